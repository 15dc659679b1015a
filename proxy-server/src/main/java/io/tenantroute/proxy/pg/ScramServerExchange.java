package io.tenantroute.proxy.pg;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802 sections 5 and 7, RFC 7677; the PostgreSQL manual,
 * "Frontend/Backend Protocol" → "SASL Authentication"): client-first-message → server-first-message, then
 * client-final-message → server-final-message, or a {@link ScramException}.
 *
 * <p>Without channel binding: the proxy advertises only {@code SCRAM-SHA-256}, so a gs2 header of {@code n} (client
 * does not support channel binding) or {@code y} (client does, but sees the server does not, RFC 5802 section 6)
 * is accepted, and {@code p=…} (channel binding required) is refused with {@code 08P01} (as PostgreSQL does when
 * the mechanism without {@code -PLUS} was chosen). An authorization identity ({@code a=}) or a mandatory extension
 * ({@code m=}) is refused with {@code 0A000}. The user name in the message is ignored: the StartupMessage's
 * {@code user} is the one authenticated, as in PostgreSQL (libpq sends an empty one).
 *
 * <p>The proof is checked in constant time ({@link MessageDigest#isEqual}). An exchange made by {@link #mock} for an
 * unknown user runs the same steps with a deterministic fake salt and fails at the proof with the same
 * {@code 28P01}, so a client cannot tell an unknown user from a wrong password.
 *
 * <p>One instance per connection attempt, used by one thread (the event loop); each step at most once, in order.
 */
public final class ScramServerExchange {
    private enum Step { CLIENT_FIRST, CLIENT_FINAL, DONE }

    private final ScramCredentials credentials;
    private final boolean doomed;
    private final String serverNonce;
    private Step step = Step.CLIENT_FIRST;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;

    /** @param credentials the user's credentials */
    public ScramServerExchange(ScramCredentials credentials) {
        this(credentials, false, Scram.nonce());
    }

    ScramServerExchange(ScramCredentials credentials, boolean doomed, String serverNonce) {
        this.credentials = credentials;
        this.doomed = doomed;
        this.serverNonce = serverNonce;
    }

    /**
     * An exchange for a user that does not exist: its salt is derived from {@code user} and {@code mockSecret} (so
     * the same user always gets the same salt, as a real one would), and it always fails at the proof.
     *
     * @param user the user name the client gave
     * @param mockSecret random bytes kept for the life of the process
     */
    public static ScramServerExchange mock(String user, byte[] mockSecret) {
        byte[] seed = Scram.hmac(mockSecret, user);
        byte[] salt = java.util.Arrays.copyOf(seed, Scram.SALT_LENGTH);
        return new ScramServerExchange(ScramCredentials.impossible(salt, Scram.DEFAULT_ITERATIONS), true, Scram.nonce());
    }

    /**
     * @param clientFirstMessage the client-first-message (SASLInitialResponse data, UTF-8)
     * @return the server-first-message ({@code r=<nonce>,s=<salt>,i=<iterations>})
     * @throws ScramException (08P01 malformed, 0A000 unsupported) when the message is refused
     * @throws IllegalStateException when called out of order
     */
    public String handleClientFirst(String clientFirstMessage) throws ScramException {
        if (step != Step.CLIENT_FIRST) {
            throw new IllegalStateException("client-first-message already handled");
        }
        step = Step.DONE;
        String s = clientFirstMessage;
        if (s.isEmpty()) {
            throw ScramException.malformed("empty client-first-message");
        }
        char flag = s.charAt(0);
        int pos;
        switch (flag) {
            case 'n':
            case 'y':
                if (s.length() < 2 || s.charAt(1) != ',') {
                    throw ScramException.malformed("unexpected channel-binding flag");
                }
                pos = 2;
                break;
            case 'p':
                throw ScramException.malformed("the client selected SCRAM-SHA-256 without channel binding, but the SCRAM"
                        + " message includes channel binding data");
            default:
                throw ScramException.malformed("unexpected channel-binding flag");
        }
        if (s.startsWith("a=", pos)) {
            throw new ScramException("0A000", "client uses authorization identity, but it is not supported");
        }
        if (pos >= s.length() || s.charAt(pos) != ',') {
            throw ScramException.malformed("comma expected after the gs2 header");
        }
        gs2Header = s.substring(0, pos + 1);
        clientFirstBare = s.substring(pos + 1);
        String[] parts = clientFirstBare.split(",", -1);
        if (parts.length < 2) {
            throw ScramException.malformed("client-first-message-bare needs a user name and a nonce");
        }
        if (parts[0].startsWith("m=")) {
            throw new ScramException("0A000", "client requires an unsupported SCRAM extension");
        }
        if (Scram.attribute(parts[0], 'n') == null) {
            throw ScramException.malformed("user name attribute expected");
        }
        String clientNonce = Scram.attribute(parts[1], 'r');
        if (clientNonce == null || !Scram.isPrintableNonce(clientNonce)) {
            throw ScramException.malformed("a printable client nonce expected");
        }
        nonce = clientNonce + serverNonce;
        serverFirst = "r=" + nonce + ",s=" + Scram.base64(credentials.saltRef()) + ",i=" + credentials.iterations();
        step = Step.CLIENT_FINAL;
        return serverFirst;
    }

    /**
     * @param clientFinalMessage the client-final-message (SASLResponse data, UTF-8)
     * @return the server-final-message ({@code v=<ServerSignature>}) after a correct proof
     * @throws ScramException 28P01 for a wrong proof (always for a {@link #mock}), 08P01 for a malformed message or a
     *     channel binding or nonce that does not match the first message
     * @throws IllegalStateException when called out of order
     */
    public String handleClientFinal(String clientFinalMessage) throws ScramException {
        if (step != Step.CLIENT_FINAL) {
            throw new IllegalStateException("client-final-message out of order");
        }
        step = Step.DONE;
        int proofAt = clientFinalMessage.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw ScramException.malformed("proof expected at the end of client-final-message");
        }
        String withoutProof = clientFinalMessage.substring(0, proofAt);
        String[] parts = withoutProof.split(",", -1);
        if (parts.length < 2) {
            throw ScramException.malformed("channel binding and nonce expected");
        }
        String binding = Scram.attribute(parts[0], 'c');
        if (binding == null) {
            throw ScramException.malformed("channel binding expected");
        }
        byte[] bindingBytes;
        byte[] proof;
        try {
            bindingBytes = Scram.unbase64(binding);
            proof = Scram.unbase64(clientFinalMessage.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            throw ScramException.malformed("invalid base64");
        }
        if (!MessageDigest.isEqual(bindingBytes, gs2Header.getBytes(StandardCharsets.UTF_8))) {
            throw ScramException.malformed("unexpected SCRAM channel-binding attribute in client-final-message");
        }
        String finalNonce = Scram.attribute(parts[1], 'r');
        if (finalNonce == null || !finalNonce.equals(nonce)) {
            throw ScramException.malformed("nonce does not match");
        }
        if (proof.length != 32) {
            throw ScramException.malformed("proof of " + proof.length + " bytes");
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientSignature = Scram.hmac(credentials.storedKeyRef(), authMessage);
        byte[] clientKey = Scram.xor(proof, clientSignature);
        boolean ok = MessageDigest.isEqual(Scram.sha256(clientKey), credentials.storedKeyRef());
        if (!ok || doomed) {
            throw new ScramException(ScramException.INVALID_PASSWORD, "password authentication failed");
        }
        return "v=" + Scram.base64(Scram.hmac(credentials.serverKeyRef(), authMessage));
    }
}
