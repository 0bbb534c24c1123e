package io.inferencebench.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.jmeter.rmi.RmiUtils;
import org.apache.jmeter.util.JMeterUtils;

/**
 * Whether JMeter remote engines answer, checked before a wave writes anything: a closed port, an unknown
 * host or an RMI that wants a keystore each get a sentence of their own.
 */
final class EngineReach {
    /** The name {@code jmeter-server} binds its engine under in its RMI registry. */
    private static final String ENGINE_RMI_NAME = "JMeterEngine";
    private static final int CONNECT_TIMEOUT_MS = 3000;

    private EngineReach() {
    }

    /**
     * Looks every engine up in its RMI registry, so an engine that is down is named before anything is
     * written. Throws a {@link BadInputException} naming those that do not answer.
     */
    static void check(List<EngineAddress> addresses) {
        // a closed port first: JMeter's RMI client would otherwise blame a missing keystore (SSL is on by default)
        Map<String, String> silent = new LinkedHashMap<>();
        for (EngineAddress a : addresses) {
            String why = silence(a);
            if (why != null) {
                silent.put(a.text(), why);
            }
        }
        if (!silent.isEmpty()) {
            StringBuilder which = new StringBuilder();
            silent.forEach((a, why) -> which.append(which.length() == 0 ? "" : ", ").append(a).append(" because ")
                    .append(why));
            throw new BadInputException("Cannot reach the JMeter remote engine" + (silent.size() > 1 ? "s " : " ")
                    + which + ": start jmeter-server there (JMeter " + JMeterHome.VERSION + " with the InferenceBench "
                    + "jars in lib/ext), or correct host and port in --remote.");
        }
        configureController();
        Map<String, String> unreachable = new LinkedHashMap<>();
        for (EngineAddress a : addresses) {
            try {
                LocateRegistry.getRegistry(a.host(), a.port(), RmiUtils.createClientSocketFactory()).lookup(ENGINE_RMI_NAME);
            } catch (RemoteException | NotBoundException | RuntimeException e) {
                unreachable.put(a.text(), reason(e));
            }
        }
        if (!unreachable.isEmpty() && unreachable.values().stream()
                .anyMatch(why -> why.toLowerCase(Locale.ROOT).contains("keystore"))) {
            throw new BadInputException("Cannot talk to the JMeter remote engine" + (unreachable.size() > 1 ? "s " : " ")
                    + String.join(", ", unreachable.keySet()) + ": JMeter's RMI uses SSL unless server.rmi.ssl.disable "
                    + "is true, and this machine has no keystore; run both sides with server.rmi.ssl.disable=true "
                    + "(here -Dserver.rmi.ssl.disable=true, there -Jserver.rmi.ssl.disable=true) or give both the same "
                    + "rmi_keystore.jks (see docs/distributed.md).");
        }
        if (!unreachable.isEmpty()) {
            StringBuilder which = new StringBuilder();
            unreachable.forEach((a, why) -> which.append(which.length() == 0 ? "" : ", ").append(a).append(" (")
                    .append(why).append(')'));
            throw new BadInputException("Cannot reach the JMeter remote engine" + (unreachable.size() > 1 ? "s " : " ")
                    + which + ": start jmeter-server there (JMeter " + JMeterHome.VERSION + " with the InferenceBench "
                    + "jars in lib/ext), check host and port, and use the same server.rmi.ssl.* settings on both "
                    + "sides (see docs/distributed.md).");
        }
    }

    /** Why nothing answers at the engine's registry port, or {@code null} when something listens there. */
    static String silence(EngineAddress a) {
        String where = (a.host().contains(":") ? "[" + a.host() + "]" : a.host()) + ":" + a.port();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(a.host(), a.port()), CONNECT_TIMEOUT_MS);
            return null;
        } catch (UnknownHostException e) {
            return "the host " + a.host() + " is unknown";
        } catch (SocketTimeoutException e) {
            return "nothing answers on " + where + " within " + CONNECT_TIMEOUT_MS / 1000 + " s";
        } catch (IOException | IllegalArgumentException e) {
            return "nothing listens on " + where;
        }
    }

    /**
     * JVM system properties that configure JMeter's RMI on this controller (SSL, ports, retries, sample
     * sender): JMeter reads them as JMeter properties, which the {@code benchmark} command has no flag for.
     */
    private static boolean controllerProperty(String name) {
        return name.startsWith("server.rmi.") || name.startsWith("client.") || name.equals("mode");
    }

    /** JMeter's RMI settings for this controller, from JVM system properties (see docs/distributed.md). */
    static void configureController() {
        JMeterHome.initialise();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (controllerProperty(name)) {
                JMeterUtils.setProperty(name, System.getProperty(name));
            }
        }
    }

    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.trim());
    }
}
