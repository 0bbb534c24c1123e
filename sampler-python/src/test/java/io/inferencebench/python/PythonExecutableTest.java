package io.inferencebench.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonExecutableTest {
    @TempDir
    Path folder;

    /** An executable that answers the version probe as the given interpreter would. */
    private Path interpreterPrinting(String output, int exitCode) throws Exception {
        Path script = folder.resolve("python-fake");
        Files.writeString(script, "#!/bin/sh\necho '" + output + "'\nexit " + exitCode + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void theInstalledPython3IsFoundWithItsVersion() throws Exception {
        PythonExecutable python = PythonExecutable.probe("python3");

        assertThat(python.command()).isEqualTo("python3");
        assertThat(python.version()).matches("3\\.\\d+\\.\\d+");
    }

    @Test
    void aPythonOlderThan39IsRejectedWithItsVersion() throws Exception {
        Path old = interpreterPrinting("3.8.10", 0);
        assertThatThrownBy(() -> PythonExecutable.probe(old.toString())).isInstanceOf(FactoriesException.class)
                .hasMessage("Python executable '" + old + "' is Python 3.8.10, but 3.9 or newer is needed; pass a newer Python as 'Python executable'.");
    }

    @Test
    void python2IsRejectedAsTooOld() throws Exception {
        Path old = interpreterPrinting("2.7.18", 0);
        assertThatThrownBy(() -> PythonExecutable.probe(old.toString())).hasMessageContaining("is Python 2.7.18, but 3.9 or newer is needed");
    }

    @Test
    void aProgramThatIsNotPythonIsNamed() throws Exception {
        Path notPython = interpreterPrinting("usage: something else", 2);
        assertThatThrownBy(() -> PythonExecutable.probe(notPython.toString())).isInstanceOf(FactoriesException.class)
                .hasMessage("Python executable '" + notPython + "' does not run as Python (it printed: usage: something else);"
                        + " pass a Python 3.9 or newer as 'Python executable'.");
    }

    @Test
    void aMissingExecutableIsNamed() {
        assertThatThrownBy(() -> PythonExecutable.probe("python3-that-is-not-installed"))
                .isInstanceOf(FactoriesException.class)
                .hasMessage("Python executable 'python3-that-is-not-installed' was not found; install Python 3.9 or newer or pass its path as 'Python executable'.");
    }

    @Test
    void aFileThatIsNotExecutableIsNamedAsSuchNotAsMissing() throws Exception {
        Path script = interpreterPrinting("3.12.0", 0);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> PythonExecutable.probe(script.toString())).isInstanceOf(FactoriesException.class)
                .hasMessage("Python executable '" + script + "' is not executable; make it executable (chmod +x) "
                        + "or pass a working Python 3.9 or newer as 'Python executable'.");
    }

    @Test
    void aDirectoryIsNamedAsADirectory() {
        assertThatThrownBy(() -> PythonExecutable.probe(folder.toString())).isInstanceOf(FactoriesException.class)
                .hasMessageStartingWith("Python executable '" + folder + "' is a directory; pass the path of the python3 program");
    }

    @Test
    void aMissingPathIsNamedAsNotFound() {
        Path missing = folder.resolve("bin/python3");
        assertThatThrownBy(() -> PythonExecutable.probe(missing.toString()))
                .hasMessage("Python executable '" + missing + "' was not found; install Python 3.9 or newer or pass its path as 'Python executable'.");
    }
}
