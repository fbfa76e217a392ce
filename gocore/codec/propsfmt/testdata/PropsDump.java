import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/**
 * Prints how java.util.Properties reads each file given, one line per file:
 * "key=value" pairs in key order, with every character outside printable
 * ASCII (and '\\', '=', '|') written as \\uXXXX, pairs separated by '|'. A
 * file Java refuses prints "error: " and the exception. The Go tests
 * compare propsfmt with this (TestMatchesJava). Run: java PropsDump.java FILE...
 */
public class PropsDump {
    static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == '\\' || c == '=' || c == '|') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public static void main(String[] args) throws IOException {
        for (String path : args) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Paths.get(path), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IllegalArgumentException e) {
                System.out.println("error: " + e.getMessage());
                continue;
            }
            List<String> keys = new ArrayList<>(p.stringPropertyNames());
            Collections.sort(keys);
            StringBuilder out = new StringBuilder();
            for (String k : keys) {
                if (out.length() > 0) out.append('|');
                out.append(esc(k)).append('=').append(esc(p.getProperty(k)));
            }
            System.out.println(out);
        }
    }
}
