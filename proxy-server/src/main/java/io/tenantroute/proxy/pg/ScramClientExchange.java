package io.tenantroute.proxy.pg;

import java.security.MessageDigest;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802 sections 5 and 7, RFC 7677; the PostgreSQL manual,
 * "Frontend/Backend Protocol" → "SASL Authentication"), as the proxy authenticates to a PostgreSQL server:
 * {@link #clientFirstMessage()}, then server-first → {@link #handleServerFirst} → client-final, then
 * server-final → {@link #handleServerFinal}, which verifies the server's signature (the server proves it knows the
 * password's keys too).
 *
 * <p>No channel binding: the gs2 header is {@code n,,} (RFC 5802 section 6: the client does not support it), so the
 * mechanism to pick is {@code SCRAM-SHA-256} even when the server also offers {@code SCRAM-SHA-256-PLUS}. The user
 * name is sent empty, as libpq does: PostgreSQL uses the StartupMessage's. The derived SaltedPassword is cached per
 * (password, salt, iterations) for the process, so repeated connections as one role run PBKDF2 once.
 *
 * <p>One instance per connection attempt, used by one thread; each step at most once, in order.
 */
public final class ScramClientExchange {
    private enum Step { CLIENT_FIRST, SERVER_FIRST, SERVER_FINAL, DONE }

    private final String password;
    private final String clientFirstBare;
    private final String clientNonce;
    private Step step = Step.CLIENT_FIRST;
    private byte[] expectedServerSignature;

    /**
     * @param password the plaintext password, not empty
     * @throws IllegalArgumentException for an empty password
     */
    public ScramClientExchange(String password) {
        this(password, "", Scram.nonce());
    }

    ScramClientExchange(String password, String user, String clientNonce) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a SCRAM password must not be empty");
        }
        this.password = password;
        this.clientNonce = clientNonce;
        this.clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
    }

    /** @return the client-first-message, {@code n,,n=,r=<nonce>} */
    public String clientFirstMessage() {
        if (step != Step.CLIENT_FIRST) {
            throw new IllegalStateException("client-first-message already sent");
        }
        step = Step.SERVER_FIRST;
        return "n,," + clientFirstBare;
    }

    /**
     * @param serverFirstMessage the AuthenticationSASLContinue data
     * @return the client-final-message with the proof
     * @throws ScramException 08P01 when the message is malformed, its nonce does not extend ours, or it asks for an
     *     extension
     */
    public String handleServerFirst(String serverFirstMessage) throws ScramException {
        if (step != Step.SERVER_FIRST) {
            throw new IllegalStateException("server-first-message out of order");
        }
        step = Step.DONE;
        String[] parts = serverFirstMessage.split(",", -1);
        if (parts.length < 3) {
            throw ScramException.malformed("server-first-message needs a nonce, a salt and an iteration count");
        }
        if (parts[0].startsWith("m=")) {
            throw new ScramException("0A000", "server requires an unsupported SCRAM extension");
        }
        String nonce = Scram.attribute(parts[0], 'r');
        String salt = Scram.attribute(parts[1], 's');
        String iterations = Scram.attribute(parts[2], 'i');
        if (nonce == null || salt == null || iterations == null) {
            throw ScramException.malformed("server-first-message needs r=, s= and i=");
        }
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length() || !Scram.isPrintableNonce(nonce)) {
            throw ScramException.malformed("the server nonce does not extend the client nonce");
        }
        byte[] saltBytes;
        int i;
        try {
            saltBytes = Scram.unbase64(salt);
            i = Integer.parseInt(iterations);
        } catch (IllegalArgumentException e) {
            throw ScramException.malformed("invalid salt or iteration count");
        }
        if (i < 1 || saltBytes.length == 0) {
            throw ScramException.malformed("invalid salt or iteration count");
        }
        byte[] salted = Scram.saltedPassword(password, saltBytes, i);
        byte[] clientKey = Scram.hmac(salted, "Client Key");
        byte[] storedKey = Scram.sha256(clientKey);
        byte[] serverKey = Scram.hmac(salted, "Server Key");
        String withoutProof = "c=biws,r=" + nonce; // biws = base64("n,,")
        String authMessage = clientFirstBare + "," + serverFirstMessage + "," + withoutProof;
        byte[] proof = Scram.xor(clientKey, Scram.hmac(storedKey, authMessage));
        expectedServerSignature = Scram.hmac(serverKey, authMessage);
        step = Step.SERVER_FINAL;
        return withoutProof + ",p=" + Scram.base64(proof);
    }

    /**
     * @param serverFinalMessage the AuthenticationSASLFinal data
     * @throws ScramException 08P01 for a malformed message, a server error ({@code e=…}) or a wrong server signature
     *     (the server does not know the password's keys: not the server we meant to reach)
     */
    public void handleServerFinal(String serverFinalMessage) throws ScramException {
        if (step != Step.SERVER_FINAL) {
            throw new IllegalStateException("server-final-message out of order");
        }
        step = Step.DONE;
        String first = serverFinalMessage.split(",", -1)[0];
        String error = Scram.attribute(first, 'e');
        if (error != null) {
            throw new ScramException(ScramException.INVALID_PASSWORD, "SCRAM server error: " + error);
        }
        String verifier = Scram.attribute(first, 'v');
        if (verifier == null) {
            throw ScramException.malformed("server-final-message needs v=");
        }
        byte[] signature;
        try {
            signature = Scram.unbase64(verifier);
        } catch (IllegalArgumentException e) {
            throw ScramException.malformed("invalid base64 in server signature");
        }
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new ScramException(PgProtocolException.PROTOCOL_VIOLATION, "incorrect server signature");
        }
    }
}
