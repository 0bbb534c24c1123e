package io.inferencebench.cli;

import java.util.regex.Pattern;

/** What may be shown of a value that can hold a secret. */
final class Redaction {
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@?#]*@");

    private Redaction() {
    }

    /** A URL without the {@code user:password@} it may carry. */
    static String url(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceFirst("***@");
    }
}
