package io.inferencebench.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a factories file can break the contract is one sentence before the wave, not a failed wave. */
class FailFastTest {
    @TempDir
    Path folder;

    private String startFails(Path file) {
        PythonOptions options = PythonOptions.of(file).withRuntime(PythonOptions.Runtime.SUBPROCESS).withWorkers(2);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> WorkerPool.start(options).close());
        assertThat(thrown).isInstanceOf(FactoriesException.class);
        String sentence = thrown.getMessage();
        assertThat(sentence).doesNotContain("\n").endsWith(".");
        return sentence;
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = folder.resolve("nope.py");
        assertThat(startFails(missing)).isEqualTo("Factories file " + missing
                + " does not exist; pass the path of a Python file that defines invoke_factory and payload_factory.");
    }

    @Test
    void aDirectoryIsNamedAsADirectoryNotAsMissing() {
        assertThat(startFails(folder)).isEqualTo("Factories file " + folder.toAbsolutePath().normalize()
                + " is a directory; pass the path of a Python file in it that defines invoke_factory and payload_factory.");
    }

    @Test
    void moreWorkersThanTheMachineHoldsAreRefusedBeforeAnyPythonStarts() throws Exception {
        Path file = java.nio.file.Files.writeString(folder.resolve("f.py"), "raise SystemExit('must not run')\n");
        PythonOptions options = PythonOptions.of(file).withRuntime(PythonOptions.Runtime.AUTO).withWorkers(10_000);
        assertThatThrownBy(() -> PythonRuntime.start(options, notice -> {
            throw new AssertionError("nothing may be printed first: " + notice);
        })).isInstanceOf(FactoriesException.class)
                .hasMessageStartingWith("'Worker processes' of the Python Factory Sampler is 10000, more than this machine can run: at most "
                        + PythonOptions.maxWorkers() + " here");
    }

    @Test
    void aSyntaxErrorIsReportedWithFileAndLine() {
        Path file = Factories.write(folder, "broken.py", """
                def invoke_factory(endpoint_name=None):
                    return lambda payload: None

                def payload_factory(:
                    pass
                """);
        assertThat(startFails(file)).isEqualTo("Factories file " + file + ":4 has a syntax error: invalid syntax; fix it and retry.");
    }

    @Test
    void anImportThatFailsIsReportedWithItsLine() {
        Path file = Factories.write(folder, "imports.py", """
                import json
                import no_such_module_here
                """);
        assertThat(startFails(file)).isEqualTo("Importing factories file " + file
                + " raised ModuleNotFoundError: No module named 'no_such_module_here' (" + file
                + ":2); fix the file or install what it imports.");
    }

    @Test
    void aMissingInvokeFactoryIsNamedWithTheShapeToAdd() {
        Path file = Factories.write(folder, "half.py", """
                def payload_factory():
                    return {"pre_computed": True, "input": [1]}
                """);
        assertThat(startFails(file)).isEqualTo("Factories file " + file
                + " defines no invoke_factory; add def invoke_factory(endpoint_name=None) returning invoke(payload).");
    }

    @Test
    void aPayloadFactoryThatIsNotCallableIsNamed() {
        Path file = Factories.write(folder, "value.py", """
                def invoke_factory(endpoint_name=None):
                    return lambda payload: None
                payload_factory = [1, 2]
                """);
        assertThat(startFails(file)).startsWith("payload_factory in " + file + " is a list, not a function;");
    }

    @Test
    void aPayloadFactoryOfTheWrongShapeIsNamed() {
        Path file = Factories.write(folder, "shape.py", """
                def invoke_factory(endpoint_name=None):
                    return lambda payload: None
                def payload_factory():
                    return [1, 2, 3]
                """);
        assertThat(startFails(file)).isEqualTo("payload_factory() in " + file
                + " must return {'pre_computed': True, 'input': [payload, ...]} or {'pre_computed': False, 'input': callable},"
                + " but it returned a list ([1, 2, 3]).");
    }

    @Test
    void preComputedInputThatIsNotAListIsNamed() {
        Path file = Factories.write(folder, "notlist.py", """
                def invoke_factory(endpoint_name=None):
                    return lambda payload: None
                def payload_factory():
                    return {"pre_computed": True, "input": lambda: 1}
                """);
        assertThat(startFails(file)).endsWith("; 'pre_computed' is true but 'input' is a function, not a list.");
    }

    @Test
    void anEmptyPayloadListIsNamed() {
        Path file = Factories.write(folder, "empty.py", """
                def invoke_factory(endpoint_name=None):
                    return lambda payload: None
                def payload_factory():
                    return {"pre_computed": True, "input": []}
                """);
        assertThat(startFails(file)).isEqualTo("payload_factory() in " + file
                + " returned an empty 'input' list; give at least one payload.");
    }

    @Test
    void anInvokeFactoryThatRaisesIsReportedWithItsLine() {
        Path file = Factories.write(folder, "raises.py", """
                import os

                def invoke_factory(endpoint_name=None):
                    url = os.environ["SURELY_NOT_SET_FOR_THIS_TEST"]
                    return lambda payload: None

                def payload_factory():
                    return {"pre_computed": True, "input": [1]}
                """);
        assertThat(startFails(file)).isEqualTo("invoke_factory() in " + file
                + " raised KeyError: 'SURELY_NOT_SET_FOR_THIS_TEST' (" + file + ":4); fix the factory or its environment.");
    }

    @Test
    void anInvokeFactoryThatReturnsNoCallableIsNamed() {
        Path file = Factories.write(folder, "returns_none.py", """
                def invoke_factory(endpoint_name=None):
                    pass
                def payload_factory():
                    return {"pre_computed": True, "input": [1]}
                """);
        assertThat(startFails(file)).isEqualTo("invoke_factory() in " + file
                + " must return a callable invoke(payload), but it returned a NoneType (None).");
    }

    @Test
    void aFileThatKillsItsInterpreterWhileLoadingIsReported() {
        Path file = Factories.write(folder, "exits.py", """
                import os, sys
                print("giving up", file=sys.stderr)
                os._exit(7)
                """);
        assertThat(startFails(file)).isEqualTo("Python worker exited (Python worker 0 exited with code 7) while loading "
                + file + "; its last output: giving up; run the file with Python to see why.");
    }

    @Test
    void aMissingPythonIsNamed() {
        PythonOptions options = PythonOptions.of(Factories.numbered(folder, 1)).withRuntime(PythonOptions.Runtime.SUBPROCESS)
                .withPython("/no/such/python3");
        assertThatThrownBy(() -> WorkerPool.start(options)).isInstanceOf(FactoriesException.class)
                .hasMessage("Python executable '/no/such/python3' was not found; install Python 3.9 or newer or pass its path as 'Python executable'.");
    }
}
