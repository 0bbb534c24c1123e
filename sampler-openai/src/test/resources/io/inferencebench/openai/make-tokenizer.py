"""Makes tokenizer.json: a small byte-level BPE tokenizer (the kind GPT-2, Llama 3 and Qwen ship) for the
sampler's tests. Run with the Python `tokenizers` package: python make-tokenizer.py. The tests' expected
counts are this tokenizer's own counts of their texts (printed at the end)."""
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers

WORDS = "the of and to in is that it for on with as was at by be".split()
corpus = [" ".join(WORDS[(i + k) % len(WORDS)] for k in range(64)) for i in range(len(WORDS))]
corpus += ["a streaming sampler times every token of the answer as it arrives from the server",
           "time to first token and inter token latency are measured with the definitions of aiperf"]

tokenizer = Tokenizer(models.BPE())
tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tokenizer.decoder = decoders.ByteLevel()
tokenizer.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=320, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                                          show_progress=False))
tokenizer.save("tokenizer.json")

for text in [" the of and", "unbelievable tokenization", " the" * 64, "héllo wörld 🙂"]:
    print(repr(text[:40]), len(tokenizer.encode(text, add_special_tokens=False).ids))
