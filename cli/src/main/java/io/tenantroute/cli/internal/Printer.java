package io.tenantroute.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a command's result as an aligned text table (for people) or as JSON (for scripts): the same rows
 * either way, so both outputs say the same thing. Not thread-safe.
 */
public final class Printer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintWriter out;
    private final boolean json;

    /**
     * @param out where to print
     * @param json true for JSON
     */
    public Printer(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** @return true when printing JSON */
    public boolean json() {
        return json;
    }

    /**
     * Prints rows: a table whose columns are the keys of the first row, or a JSON array of objects.
     *
     * @param rows rows in order; every row has the same keys
     * @param emptyText printed instead of an empty table (not in JSON)
     */
    public void rows(List<Map<String, Object>> rows, String emptyText) {
        if (json) {
            writeJson(rows);
            return;
        }
        if (rows.isEmpty()) {
            out.println(emptyText);
            out.flush();
            return;
        }
        List<String> cols = new ArrayList<>(rows.get(0).keySet());
        List<List<String>> cells = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            List<String> line = new ArrayList<>();
            for (String c : cols) {
                Object v = r.get(c);
                line.add(v == null ? "-" : String.valueOf(v));
            }
            cells.add(line);
        }
        table(cols, cells);
    }

    /**
     * Prints one object: {@code key: value} lines, or a JSON object.
     *
     * @param fields the fields in order
     */
    public void object(Map<String, Object> fields) {
        if (json) {
            writeJson(fields);
            return;
        }
        int w = 0;
        for (String k : fields.keySet()) {
            w = Math.max(w, k.length());
        }
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            out.println(pad(e.getKey() + ":", w + 1) + " " + (v == null ? "-" : v));
        }
        out.flush();
    }

    /**
     * Reports a change: the message for people, or a JSON object with {@code "result": "ok"} and the fields.
     *
     * @param message one line for people
     * @param fields the same facts for scripts
     */
    public void done(String message, Map<String, Object> fields) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("result", "ok");
            m.putAll(fields);
            writeJson(m);
        } else {
            out.println(message);
            out.flush();
        }
    }

    /**
     * Prints an aligned text table (also used by the demo's report).
     *
     * @param headers column titles
     * @param rows cells, one list per row
     */
    public void table(List<String> headers, List<List<String>> rows) {
        int[] w = new int[headers.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = headers.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sep = new StringBuilder();
        out.println(line(headers, w));
        for (int i = 0; i < w.length; i++) {
            sep.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
        }
        out.println(sep);
        for (List<String> r : rows) {
            out.println(line(r, w));
        }
        out.flush();
    }

    private static String line(List<String> cells, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            b.append(i == w.length - 1 ? cells.get(i) : pad(cells.get(i), w[i]));
        }
        return b.toString();
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private void writeJson(Object o) {
        try {
            out.println(JSON.writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
        out.flush();
    }
}
