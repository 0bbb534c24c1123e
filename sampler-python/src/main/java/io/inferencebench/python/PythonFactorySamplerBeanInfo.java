package io.inferencebench.python;

import java.beans.PropertyDescriptor;

import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.gui.TypeEditor;

/** The sampler's GUI: what to run, and how. */
public class PythonFactorySamplerBeanInfo extends BeanInfoSupport {

    public PythonFactorySamplerBeanInfo() {
        super(PythonFactorySampler.class);
        io.inferencebench.gui.HelpLinkEditor.install(property(io.inferencebench.gui.ElementHelp.PROPERTY));
        createPropertyGroup("about", new String[] {io.inferencebench.gui.ElementHelp.PROPERTY});
        createPropertyGroup("factories", new String[] {"factoriesFile", "endpointName"});
        createPropertyGroup("runtimeGroup", new String[] {"runtime", "python", "workers", "threadsPerWorker",
                "asyncRequestsPerWorker", "requestTimeoutSeconds", "environment"});

        PropertyDescriptor file = property("factoriesFile", TypeEditor.FileEditor);
        file.setValue(NOT_UNDEFINED, Boolean.TRUE);
        file.setValue(DEFAULT, "");

        PropertyDescriptor endpoint = property("endpointName");
        endpoint.setValue(NOT_UNDEFINED, Boolean.TRUE);
        endpoint.setValue(DEFAULT, "");

        PropertyDescriptor runtime = property("runtime", TypeEditor.ComboStringEditor);
        runtime.setValue(NOT_UNDEFINED, Boolean.TRUE);
        runtime.setValue(DEFAULT, "auto");
        runtime.setValue(NOT_OTHER, Boolean.TRUE);
        runtime.setValue(TAGS, new String[] {"auto", "subprocess", "jep"});

        PropertyDescriptor python = property("python");
        python.setValue(NOT_UNDEFINED, Boolean.TRUE);
        python.setValue(DEFAULT, PythonOptions.DEFAULT_PYTHON);

        PropertyDescriptor workers = property("workers");
        workers.setValue(NOT_UNDEFINED, Boolean.TRUE);
        workers.setValue(DEFAULT, PythonOptions.DEFAULT_WORKERS);

        PropertyDescriptor threads = property("threadsPerWorker");
        threads.setValue(NOT_UNDEFINED, Boolean.TRUE);
        threads.setValue(DEFAULT, PythonOptions.DEFAULT_THREADS_PER_WORKER);

        PropertyDescriptor async = property("asyncRequestsPerWorker");
        async.setValue(NOT_UNDEFINED, Boolean.TRUE);
        async.setValue(DEFAULT, PythonOptions.DEFAULT_ASYNC_REQUESTS_PER_WORKER);

        PropertyDescriptor timeout = property("requestTimeoutSeconds");
        timeout.setValue(NOT_UNDEFINED, Boolean.TRUE);
        timeout.setValue(DEFAULT, (int) PythonOptions.DEFAULT_REQUEST_TIMEOUT.toSeconds());

        PropertyDescriptor environment = property("environment", TypeEditor.TextAreaEditor);
        environment.setValue(NOT_UNDEFINED, Boolean.TRUE);
        environment.setValue(DEFAULT, "");
    }
}
