package io.tenantroute.migrator.internal;

import java.util.ArrayList;
import java.util.List;

/** Parses the flat JSON arrays the capture triggers write as primary keys ({@code [1, "a\"b", null]}). */
public final class JsonArray {
    private JsonArray() {
    }

    /** @return each element as text (strings unescaped, numbers and booleans as written), null for JSON null */
    public static List<String> parse(String json) {
        List<String> out = new ArrayList<>();
        int i = skip(json, 0);
        if (json.charAt(i) != '[') {
            throw new IllegalArgumentException("not a JSON array: " + json);
        }
        i = skip(json, i + 1);
        if (json.charAt(i) == ']') {
            return out;
        }
        while (true) {
            i = skip(json, i);
            char ch = json.charAt(i);
            if (ch == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (json.charAt(i) != '"') {
                    char c = json.charAt(i);
                    if (c == '\\') {
                        char n = json.charAt(++i);
                        switch (n) {
                            case 'n': b.append('\n'); break;
                            case 't': b.append('\t'); break;
                            case 'r': b.append('\r'); break;
                            case 'b': b.append('\b'); break;
                            case 'f': b.append('\f'); break;
                            case 'u': b.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16)); i += 4; break;
                            default: b.append(n);
                        }
                    } else {
                        b.append(c);
                    }
                    i++;
                }
                out.add(b.toString());
                i++;
            } else {
                int start = i;
                while (i < json.length() && json.charAt(i) != ',' && json.charAt(i) != ']' && !Character.isWhitespace(json.charAt(i))) {
                    i++;
                }
                String tok = json.substring(start, i);
                out.add(tok.equals("null") ? null : tok);
            }
            i = skip(json, i);
            if (json.charAt(i) == ']') {
                return out;
            }
            i++; // comma
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
