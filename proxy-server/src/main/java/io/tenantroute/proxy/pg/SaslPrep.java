package io.tenantroute.proxy.pg;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013, the "stringprep" profile of RFC 3454) as PostgreSQL applies it to SCRAM passwords
 * ({@code pg_saslprep} in PostgreSQL's {@code src/common/saslprep.c}): a pure-ASCII password is used as it is; any
 * other is mapped (non-ASCII spaces, table C.1.2, to U+0020; table B.1 characters removed), normalized to NFKC,
 * and checked against the prohibited tables C.1.2–C.9, the bidirectional rule (RFC 3454 section 6) and unassigned
 * code points (table A.1). When a check fails, PostgreSQL uses the password's bytes unchanged, and so does
 * {@link #prepare}.
 *
 * <p>Limit: unassigned code points are judged by the JDK's Unicode version (newer than the Unicode 3.2 of RFC 3454):
 * a password with a character assigned after Unicode 3.2 <em>and</em> characters that NFKC changes is prepared
 * here but used raw by PostgreSQL. Stateless, thread-safe.
 */
final class SaslPrep {
    private SaslPrep() {
    }

    /** @return the prepared password, or {@code password} itself when SASLprep refuses it (as PostgreSQL does) */
    static String prepare(String password) {
        boolean ascii = true;
        for (int i = 0; i < password.length(); i++) {
            if (password.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return password;
        }
        StringBuilder mapped = new StringBuilder(password.length());
        for (int i = 0; i < password.length(); ) {
            int cp = password.codePointAt(i);
            i += Character.charCount(cp);
            if (isNonAsciiSpace(cp)) {
                mapped.append(' ');
            } else if (!isMappedToNothing(cp)) {
                mapped.appendCodePoint(cp);
            }
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        if (normalized.isEmpty()) {
            return password;
        }
        boolean randAl = false;
        boolean lCat = false;
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            if (isProhibited(cp) || !Character.isDefined(cp)) {
                return password;
            }
            byte dir = Character.getDirectionality(cp);
            randAl |= dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
            lCat |= dir == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (randAl) {
            if (lCat || !isRandAl(normalized.codePointAt(0))
                    || !isRandAl(normalized.codePointBefore(normalized.length()))) {
                return password;
            }
        }
        return normalized;
    }

    private static boolean isRandAl(int cp) {
        byte dir = Character.getDirectionality(cp);
        return dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table C.1.2. */
    static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** RFC 3454 table B.1. */
    static boolean isMappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D) || (cp >= 0x200B && cp <= 0x200D)
                || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    /** RFC 3454 tables C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9 (the ones RFC 4013 prohibits). */
    static boolean isProhibited(int cp) {
        return isNonAsciiSpace(cp)
                || cp <= 0x1F || cp == 0x7F                                                   // C.2.1
                || (cp >= 0x80 && cp <= 0x9F) || cp == 0x06DD || cp == 0x070F || cp == 0x180E   // C.2.2
                || cp == 0x200C || cp == 0x200D || cp == 0x2028 || cp == 0x2029
                || (cp >= 0x2060 && cp <= 0x2063) || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF
                || (cp >= 0xFFF9 && cp <= 0xFFFC) || (cp >= 0x1D173 && cp <= 0x1D17A)
                || (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD)          // C.3
                || (cp >= 0x100000 && cp <= 0x10FFFD)
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE                   // C.4
                || (cp >= 0xD800 && cp <= 0xDFFF)                                             // C.5
                || (cp >= 0xFFF9 && cp <= 0xFFFD)                                             // C.6
                || (cp >= 0x2FF0 && cp <= 0x2FFB)                                             // C.7
                || cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F               // C.8
                || (cp >= 0x202A && cp <= 0x202E)
                || cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);                         // C.9
    }
}
