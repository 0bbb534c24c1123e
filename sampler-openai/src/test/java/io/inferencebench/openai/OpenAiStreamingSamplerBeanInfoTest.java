package io.inferencebench.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.BeanInfo;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.Arrays;
import java.util.ResourceBundle;

import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.gui.GenericTestBeanCustomizer;
import org.junit.jupiter.api.Test;

import io.inferencebench.testsupport.EmbeddedJMeterHome;

/** What JMeter's GUI needs to show the sampler: every property grouped, named and described. */
class OpenAiStreamingSamplerBeanInfoTest {

    @Test
    void everyPropertyHasAGroupADisplayNameAndADescription() throws Exception {
        EmbeddedJMeterHome.initialise();
        BeanInfo info = Introspector.getBeanInfo(OpenAiStreamingSampler.class);
        ResourceBundle bundle = (ResourceBundle) info.getBeanDescriptor().getValue(BeanInfoSupport.RESOURCE_BUNDLE);

        assertThat(info.getBeanDescriptor().getDisplayName()).isEqualTo("OpenAI Streaming Sampler (InferenceBench)");
        PropertyDescriptor[] properties = Arrays.stream(info.getPropertyDescriptors())
                .filter(p -> p.getValue(GenericTestBeanCustomizer.GROUP) != null).toArray(PropertyDescriptor[]::new);
        assertThat(properties).extracting(PropertyDescriptor::getName).containsExactlyInAnyOrder("url", "api", "model",
                "apiKey", "requestTimeoutSeconds", "stream", "maxTokens", "promptsFile", "syntheticInputTokens",
                "syntheticInputStddev", "sharedPrefixTokens", "seed", "slo", "tokenizerFile", "help");
        for (PropertyDescriptor property : properties) {
            assertThat(property.getDisplayName()).as(property.getName()).isNotEqualTo(property.getName());
            assertThat(property.getShortDescription()).as(property.getName()).isNotEqualTo(property.getDisplayName());
            assertThat(bundle.getString(property.getValue(GenericTestBeanCustomizer.GROUP) + ".displayName")).isNotBlank();
        }
    }
}
