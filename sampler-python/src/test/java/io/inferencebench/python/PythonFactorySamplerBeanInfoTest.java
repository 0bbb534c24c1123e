package io.inferencebench.python;

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
class PythonFactorySamplerBeanInfoTest {

    @Test
    void everyPropertyHasAGroupADisplayNameAndADescription() throws Exception {
        EmbeddedJMeterHome.initialise(); // the GUI's locale picks the bundle
        BeanInfo info = Introspector.getBeanInfo(PythonFactorySampler.class);
        ResourceBundle bundle = (ResourceBundle) info.getBeanDescriptor().getValue(BeanInfoSupport.RESOURCE_BUNDLE);

        assertThat(info.getBeanDescriptor().getDisplayName()).isEqualTo("Python Factory Sampler (InferenceBench)");
        // JMeter's own getters (props, schema) have no group and no editor: the GUI skips them.
        PropertyDescriptor[] properties = Arrays.stream(info.getPropertyDescriptors())
                .filter(p -> p.getValue(GenericTestBeanCustomizer.GROUP) != null).toArray(PropertyDescriptor[]::new);
        assertThat(properties).extracting(PropertyDescriptor::getName).containsExactlyInAnyOrder("factoriesFile",
                "endpointName", "runtime", "python", "workers", "threadsPerWorker", "asyncRequestsPerWorker", "requestTimeoutSeconds",
                "environment", "help");
        for (PropertyDescriptor property : properties) {
            assertThat(property.getDisplayName()).as(property.getName()).isNotEqualTo(property.getName());
            assertThat(property.getShortDescription()).as(property.getName()).isNotEqualTo(property.getDisplayName());
            assertThat(bundle.getString(property.getValue(GenericTestBeanCustomizer.GROUP) + ".displayName")).isNotBlank();
        }
    }

    @Test
    void aCountBelowOneIsOneSentenceNamingTheFieldAsTheGuiShowsIt() throws Exception {
        PythonFactorySampler sampler = new PythonFactorySampler();
        sampler.setFactoriesFile("factories.py");
        assertThat(sampler.options().asyncRequestsPerWorker()).isEqualTo(PythonOptions.DEFAULT_ASYNC_REQUESTS_PER_WORKER);
        sampler.setAsyncRequestsPerWorker(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(sampler::options).isInstanceOf(FactoriesException.class)
                .hasMessage("The Python Factory Sampler's Async requests per worker is 0; set it to 1 or more.");
        sampler.setAsyncRequestsPerWorker(1);
        sampler.setWorkers(-2);
        org.assertj.core.api.Assertions.assertThatThrownBy(sampler::options)
                .hasMessage("The Python Factory Sampler's Worker processes is -2; set it to 1 or more.");
    }

    @Test
    void queueMillisecondsAreWrittenWithThreeDecimals() {
        assertThat(PythonFactorySampler.millis(1_234_567)).isEqualTo("1.234");
        assertThat(PythonFactorySampler.millis(5_000)).isEqualTo("0.005");
        assertThat(PythonFactorySampler.millis(42_080_000)).isEqualTo("42.080");
        assertThat(PythonFactorySampler.millis(-1)).isEqualTo("0.000");
    }
}
