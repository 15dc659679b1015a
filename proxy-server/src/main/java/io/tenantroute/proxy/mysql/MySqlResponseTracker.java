package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Follows a server's response to one command packet by packet (MySQL Source Code Documentation, "Text
 * Resultset", "Binary Protocol Resultset", "COM_STMT_PREPARE Response", "COM_FIELD_LIST", "Multi-Resultset",
 * "OK_Packet"/"EOF_Packet"; MariaDB "Result Set Packets"): it classifies each packet ({@link PacketKind}),
 * says when the response is complete — after the final OK/EOF/ERR, following {@code SERVER_MORE_RESULTS_EXISTS}
 * across the result sets of multi-statements and CALL — and keeps the last status flags, which tell the session
 * whether a transaction is open ({@link #inTransaction()}).
 *
 * <p><b>Translation.</b> {@link #translate} turns the server's packets into what the client expects when the
 * two sides negotiated CLIENT_DEPRECATE_EOF differently (client and server capabilities are given separately):
 * <ul>
 *   <li>server without, client with: the EOF after column definitions (and after the parameter/column
 *       definitions of COM_STMT_PREPARE_OK) is dropped; the EOF that ends rows (or a COM_FIELD_LIST,
 *       COM_STMT_FETCH, COM_SET_OPTION response) becomes an OK packet with the 0xFE header;</li>
 *   <li>server with, client without: an EOF is synthesized after the last column definition — before the first
 *       row, the terminator or an ERR — and after the definition blocks of COM_STMT_PREPARE_OK; the 0xFE OK that
 *       ends rows becomes an EOF (affected rows, insert id and info of that OK are lost: a SELECT has none);
 *       a cursor's single 0xFE OK after the definitions (SERVER_STATUS_CURSOR_EXISTS) becomes the single EOF
 *       that a server without DEPRECATE_EOF sends there.</li>
 * </ul>
 * A synthesized EOF carries the last status flags seen (SERVER_MORE_RESULTS_EXISTS cleared) and no warnings.
 * When CLIENT_SESSION_TRACK differs, every OK is re-encoded for the client's format. The client's packets get
 * consecutive sequence ids from {@code firstClientSequenceId} (1 after a command), counting frames of packets
 * above 16 MiB. Unchanged packets keep their payload buffer: rows are never copied.
 *
 * <p>Server sequence ids are checked (from 1; except during COM_CHANGE_USER's auth exchange); a packet out of
 * order or of a kind impossible at this point throws {@link MySqlProtocolException} and the server connection
 * must be closed. After an ERR the status flags stay those last seen (an ERR carries none). A
 * LOCAL INFILE request ({@link PacketKind#LOCAL_INFILE_REQUEST}) suspends the response until
 * {@link #localInfileDataSent} says the client's file was forwarded.
 *
 * <p>One instance per command; not thread-safe (use it on the event loop).
 */
public final class MySqlResponseTracker {
    /** What a server packet is. */
    public enum PacketKind {
        OK, ERR, EOF, COLUMN_COUNT, COLUMN_DEFINITION, ROW, LOCAL_INFILE_REQUEST, PREPARE_OK, PARAM_DEFINITION,
        AUTH_SWITCH, AUTH_MORE_DATA, STATISTICS
    }

    private enum State {
        FIRST, COLUMNS, COLUMNS_EOF, ROWS, PREPARE_PARAMS, PREPARE_PARAMS_EOF, PREPARE_COLUMNS, PREPARE_COLUMNS_EOF,
        FIELDS, SIMPLE, STATISTICS, AUTH, LOCAL_INFILE, DONE
    }

    private enum Action { PASS, DROP, REENCODE_OK, OK_TO_EOF, EOF_TO_OK, EOF_BEFORE, EOF_AFTER, EOF_BEFORE_OK_TO_EOF }

    private final MySqlCommand command;
    private final boolean cursor;
    private final long clientCapabilities;
    private final long serverCapabilities;
    private final boolean serverDeprecateEof;
    private final boolean clientDeprecateEof;
    private final boolean sessionTrackDiffers;
    private State state;
    private int remaining;
    private int statusFlags;
    private int serverSequenceId;
    private int clientSequenceId;
    private boolean rowsSeen;
    private PrepareOk prepareOk;
    private ErrPacket error;
    private OkPacket lastOk;
    private int resultSets;
    private Action action;

    /**
     * @param command the command the client sent
     * @param cursor whether it is a COM_STMT_EXECUTE that asks for a cursor (see {@link ComStmtExecute#opensCursor()})
     * @param serverCapabilities the capabilities negotiated with the server connection
     * @param clientCapabilities the capabilities negotiated with the client
     * @param statusFlags the status flags known before the command (the last OK/EOF of the server connection)
     * @param firstClientSequenceId the sequence id of the first packet to the client (1 after a command packet)
     */
    public MySqlResponseTracker(MySqlCommand command, boolean cursor, long serverCapabilities, long clientCapabilities,
            int statusFlags, int firstClientSequenceId) {
        this.command = command;
        this.cursor = cursor && command == MySqlCommand.COM_STMT_EXECUTE;
        this.serverCapabilities = serverCapabilities;
        this.clientCapabilities = clientCapabilities;
        this.serverDeprecateEof = MySqlCapabilities.has(serverCapabilities, MySqlCapabilities.CLIENT_DEPRECATE_EOF);
        this.clientDeprecateEof = MySqlCapabilities.has(clientCapabilities, MySqlCapabilities.CLIENT_DEPRECATE_EOF);
        this.sessionTrackDiffers = MySqlCapabilities.has(serverCapabilities, MySqlCapabilities.CLIENT_SESSION_TRACK)
                != MySqlCapabilities.has(clientCapabilities, MySqlCapabilities.CLIENT_SESSION_TRACK);
        this.statusFlags = statusFlags;
        this.serverSequenceId = 1;
        this.clientSequenceId = firstClientSequenceId & 0xFF;
        this.state = switch (command) {
            case COM_QUERY, COM_STMT_EXECUTE -> State.FIRST;
            case COM_STMT_PREPARE -> State.FIRST;
            case COM_FIELD_LIST -> State.FIELDS;
            case COM_STMT_FETCH -> State.ROWS;
            case COM_STATISTICS -> State.STATISTICS;
            case COM_CHANGE_USER -> State.AUTH;
            case COM_QUIT, COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA -> State.DONE;
            default -> State.SIMPLE; // INIT_DB, PING, RESET_CONNECTION, STMT_RESET, PROCESS_KILL, SET_OPTION
        };
        if (command == MySqlCommand.COM_STMT_FETCH) {
            rowsSeen = true; // no column definitions precede fetched rows
        }
    }

    /**
     * A tracker for the command in {@code commandPayload} (command byte and, for COM_STMT_EXECUTE, the cursor
     * flag read from it), the client's sequence ids from 1.
     *
     * @param commandPayload the client's command packet (not consumed)
     * @param serverCapabilities the server connection's capabilities
     * @param clientCapabilities the client's capabilities
     * @param statusFlags the status flags known before the command
     * @return the tracker
     * @throws MySqlProtocolException when the packet is not a known command
     */
    public static MySqlResponseTracker forCommand(ByteBuf commandPayload, long serverCapabilities,
            long clientCapabilities, int statusFlags) {
        MySqlCommand c = MySqlCommand.of(commandPayload);
        if (c == null) {
            throw new MySqlProtocolException(MySqlProtocolException.ER_UNKNOWN_COM_ERROR, "08S01", "Unknown command");
        }
        boolean cursor = false;
        if (c == MySqlCommand.COM_STMT_EXECUTE) {
            Wire.need(commandPayload, 6, "COM_STMT_EXECUTE flags");
            int flags = commandPayload.getUnsignedByte(commandPayload.readerIndex() + 5);
            cursor = (flags & (ComStmtExecute.CURSOR_TYPE_READ_ONLY | ComStmtExecute.CURSOR_TYPE_FOR_UPDATE
                    | ComStmtExecute.CURSOR_TYPE_SCROLLABLE)) != 0;
        }
        return new MySqlResponseTracker(c, cursor, serverCapabilities, clientCapabilities, statusFlags, 1);
    }

    /** @return the command this tracker follows */
    public MySqlCommand command() {
        return command;
    }

    /** @return whether the response is complete (always true for commands without a response) */
    public boolean isComplete() {
        return state == State.DONE;
    }

    /** @return whether the tracker waits for {@link #localInfileDataSent} */
    public boolean awaitingLocalInfileData() {
        return state == State.LOCAL_INFILE;
    }

    /** @return the status flags of the last OK/EOF seen (or those given at construction) */
    public int statusFlags() {
        return statusFlags;
    }

    /** @return whether the last status flags say a transaction is open */
    public boolean inTransaction() {
        return MySqlStatusFlags.inTransaction(statusFlags);
    }

    /** @return the COM_STMT_PREPARE_OK of a prepare response, null before it or for other commands */
    public PrepareOk prepareOk() {
        return prepareOk;
    }

    /** @return the ERR that ended the response, null when none */
    public ErrPacket error() {
        return error;
    }

    /** @return the last OK packet (0x00 or 0xFE header) seen, null when none */
    public OkPacket lastOk() {
        return lastOk;
    }

    /** @return how many results (OK or result set) have ended so far */
    public int resultCount() {
        return resultSets;
    }

    /** @return the sequence id the server's next packet must carry */
    public int nextServerSequenceId() {
        return serverSequenceId;
    }

    /** @return the sequence id the next packet to the client gets */
    public int nextClientSequenceId() {
        return clientSequenceId;
    }

    /**
     * After a LOCAL INFILE request: the client's file content and its closing empty packet went to the server;
     * the server's OK/ERR comes next.
     *
     * @param nextServerSequenceId the sequence id of the server's answer (one after the last packet sent to it)
     * @param nextClientSequenceId the sequence id of the next packet to the client
     * @throws IllegalStateException when no LOCAL INFILE request is pending
     */
    public void localInfileDataSent(int nextServerSequenceId, int nextClientSequenceId) {
        if (state != State.LOCAL_INFILE) {
            throw new IllegalStateException("no LOCAL INFILE request pending");
        }
        serverSequenceId = nextServerSequenceId & 0xFF;
        clientSequenceId = nextClientSequenceId & 0xFF;
        state = State.FIRST;
        localInfileAnswer = true;
    }

    private boolean localInfileAnswer;

    /**
     * Classifies a server packet and advances, without translating.
     *
     * @param packet the server's packet (not released)
     * @return what it is
     * @throws MySqlProtocolException when it is out of sequence or impossible here, or the response is complete
     */
    public PacketKind accept(MySqlPacket packet) {
        if (state == State.DONE) {
            throw unexpected("a packet after the response to " + command + " was complete");
        }
        if (state != State.AUTH) {
            if (packet.sequenceId() != serverSequenceId) {
                throw new MySqlProtocolException(MySqlProtocolException.ER_NET_PACKETS_OUT_OF_ORDER, "08S01",
                        "server packet has sequence id " + packet.sequenceId() + ", expected " + serverSequenceId);
            }
            serverSequenceId = packet.nextSequenceId();
        }
        return classify(packet.payload());
    }

    /**
     * Classifies, advances and appends to {@code out} what the client must receive for this packet (nothing,
     * the packet re-sequenced, a rewritten packet, or a synthesized EOF and the packet). Takes ownership of
     * {@code packet}: it is released or moved into {@code out}, also when this throws.
     *
     * @param packet the server's packet
     * @param alloc for rewritten and synthesized packets
     * @param out receives the packets for the client, in order; the caller owns them
     * @return what the server packet is
     * @throws MySqlProtocolException as {@link #accept}
     */
    public PacketKind translate(MySqlPacket packet, ByteBufAllocator alloc, List<MySqlPacket> out) {
        boolean moved = false;
        try {
            PacketKind kind = accept(packet);
            switch (action) {
                case PASS -> {
                    emit(packet, out);
                    moved = true;
                }
                case DROP -> { }
                case REENCODE_OK -> emitPayload(okFor(OkPacket.parse(packet.payload(), serverCapabilities)
                        .withHeader(packet.firstByte()), alloc), out);
                case OK_TO_EOF -> emitPayload(eofFromOk(packet.payload(), alloc), out);
                case EOF_TO_OK -> emitPayload(okFromEof(packet.payload(), alloc), out);
                case EOF_BEFORE -> {
                    emitPayload(syntheticEof(alloc), out);
                    emit(packet, out);
                    moved = true;
                }
                case EOF_AFTER -> {
                    emit(packet, out);
                    moved = true;
                    emitPayload(syntheticEof(alloc), out);
                }
                case EOF_BEFORE_OK_TO_EOF -> {
                    emitPayload(syntheticEof(alloc), out);
                    emitPayload(eofFromOk(packet.payload(), alloc), out);
                }
                default -> throw new IllegalStateException(action.name());
            }
            return kind;
        } finally {
            if (!moved) {
                packet.release();
            }
        }
    }

    private void emit(MySqlPacket p, List<MySqlPacket> out) {
        out.add(p.sequenceId() == clientSequenceId ? p : p.resequence(clientSequenceId));
        clientSequenceId = (clientSequenceId + p.frameCount()) & 0xFF;
    }

    private void emitPayload(ByteBuf payload, List<MySqlPacket> out) {
        emit(new MySqlPacket(clientSequenceId, payload), out);
    }

    private ByteBuf okFor(OkPacket ok, ByteBufAllocator alloc) {
        return ok.toPayload(alloc, clientCapabilities);
    }

    private ByteBuf eofFromOk(ByteBuf okPayload, ByteBufAllocator alloc) {
        OkPacket ok = OkPacket.parse(okPayload, serverCapabilities);
        return new EofPacket(ok.warnings(), ok.statusFlags() & ~MySqlStatusFlags.SERVER_SESSION_STATE_CHANGED).toPayload(alloc);
    }

    private ByteBuf okFromEof(ByteBuf eofPayload, ByteBufAllocator alloc) {
        EofPacket eof = EofPacket.parse(eofPayload);
        return new OkPacket(OkPacket.EOF_HEADER, 0, 0, eof.statusFlags(), eof.warnings(), "", List.of())
                .toPayload(alloc, clientCapabilities);
    }

    private ByteBuf syntheticEof(ByteBufAllocator alloc) {
        return new EofPacket(0, statusFlags & ~(MySqlStatusFlags.SERVER_MORE_RESULTS_EXISTS
                | MySqlStatusFlags.SERVER_SESSION_STATE_CHANGED)).toPayload(alloc);
    }

    private MySqlProtocolException unexpected(String what) {
        return new MySqlProtocolException(MySqlProtocolException.ER_UNKNOWN_COM_ERROR, "08S01",
                "unexpected server packet: " + what);
    }

    private boolean isTerminator(ByteBuf p) {
        if (!p.isReadable() || p.getUnsignedByte(p.readerIndex()) != 0xFE) {
            return false;
        }
        // "OK_Packet"/"EOF_Packet": with DEPRECATE_EOF any 0xFE packet below 16 MiB ends the rows (a text row can
        // start with 0xFE only as an 8-byte length, i.e. 16 MiB or more); without it an EOF is below 9 bytes
        return serverDeprecateEof ? p.readableBytes() < MySqlPacket.MAX_FRAME_PAYLOAD : p.readableBytes() < 9;
    }

    /** Reads the status of a terminator (EOF, or OK with 0xFE under DEPRECATE_EOF). */
    private PacketKind terminator(ByteBuf p) {
        if (serverDeprecateEof && p.readableBytes() >= 7) {
            lastOk = OkPacket.parse(p, serverCapabilities);
            statusFlags = lastOk.statusFlags();
            return PacketKind.OK;
        }
        statusFlags = EofPacket.parse(p).statusFlags();
        return PacketKind.EOF;
    }

    private PacketKind classify(ByteBuf p) {
        int first = p.isReadable() ? p.getUnsignedByte(p.readerIndex()) : -1;
        action = Action.PASS;
        switch (state) {
            case FIRST:
                if (first == ErrPacket.HEADER) {
                    return err(p);
                }
                if (first == OkPacket.HEADER) {
                    if (command == MySqlCommand.COM_STMT_PREPARE) {
                        prepareOk = PrepareOk.parse(p);
                        remaining = prepareOk.paramCount();
                        state = remaining > 0 ? State.PREPARE_PARAMS : afterPrepareParams();
                        return PacketKind.PREPARE_OK;
                    }
                    return ok(p, true);
                }
                if (command == MySqlCommand.COM_STMT_PREPARE) {
                    throw unexpected("0x" + Integer.toHexString(first) + " in answer to COM_STMT_PREPARE");
                }
                if (first == 0xFB && command == MySqlCommand.COM_QUERY && !localInfileAnswer) {
                    state = State.LOCAL_INFILE;
                    return PacketKind.LOCAL_INFILE_REQUEST;
                }
                if (first == 0xFE || first < 0) {
                    throw unexpected("0x" + Integer.toHexString(first & 0xFF) + " where a result set or OK must start");
                }
                localInfileAnswer = false;
                long columns = Wire.readLenencInt(p.duplicate(), "column count");
                if (columns <= 0 || columns > 65535) {
                    throw unexpected("column count " + columns);
                }
                remaining = (int) columns;
                rowsSeen = false;
                state = State.COLUMNS;
                return PacketKind.COLUMN_COUNT;
            case COLUMNS:
                if (first == ErrPacket.HEADER) {
                    return err(p);
                }
                if (--remaining == 0) {
                    state = serverDeprecateEof ? State.ROWS : State.COLUMNS_EOF;
                }
                return PacketKind.COLUMN_DEFINITION;
            case COLUMNS_EOF:
                if (!EofPacket.isEof(p)) {
                    throw unexpected("0x" + Integer.toHexString(first) + " where the EOF after column definitions belongs");
                }
                statusFlags = EofPacket.parse(p).statusFlags();
                if (cursor && (statusFlags & MySqlStatusFlags.SERVER_STATUS_CURSOR_EXISTS) != 0) {
                    action = clientDeprecateEof ? Action.EOF_TO_OK : Action.PASS;
                    endResult(false);
                } else {
                    action = clientDeprecateEof ? Action.DROP : Action.PASS;
                    state = State.ROWS;
                }
                return PacketKind.EOF;
            case ROWS:
                if (first == ErrPacket.HEADER) {
                    boolean needEof = !rowsSeen && serverDeprecateEof && !clientDeprecateEof;
                    PacketKind k = err(p);
                    if (needEof) {
                        action = Action.EOF_BEFORE;
                    }
                    return k;
                }
                if (isTerminator(p)) {
                    PacketKind k = terminator(p);
                    boolean cursorOpen = cursor && !rowsSeen
                            && (statusFlags & MySqlStatusFlags.SERVER_STATUS_CURSOR_EXISTS) != 0;
                    boolean firstAfterColumns = !rowsSeen && command != MySqlCommand.COM_STMT_FETCH;
                    boolean eofMissing = serverDeprecateEof && !clientDeprecateEof && firstAfterColumns && !cursorOpen;
                    if (k == PacketKind.OK && !clientDeprecateEof) {
                        action = eofMissing ? Action.EOF_BEFORE_OK_TO_EOF : Action.OK_TO_EOF;
                    } else if (k == PacketKind.EOF && clientDeprecateEof) {
                        action = Action.EOF_TO_OK;
                    } else if (k == PacketKind.EOF && eofMissing) {
                        action = Action.EOF_BEFORE;
                    } else if (k == PacketKind.OK && sessionTrackDiffers) {
                        action = Action.REENCODE_OK;
                    }
                    endResult(cursorOpen || command == MySqlCommand.COM_STMT_FETCH);
                    return k;
                }
                if (!rowsSeen && serverDeprecateEof && !clientDeprecateEof && command != MySqlCommand.COM_STMT_FETCH) {
                    action = Action.EOF_BEFORE;
                }
                rowsSeen = true;
                return PacketKind.ROW;
            case PREPARE_PARAMS:
                if (--remaining == 0) {
                    state = serverDeprecateEof ? afterPrepareParams() : State.PREPARE_PARAMS_EOF;
                    if (serverDeprecateEof && !clientDeprecateEof) {
                        action = Action.EOF_AFTER;
                    }
                }
                return PacketKind.PARAM_DEFINITION;
            case PREPARE_PARAMS_EOF:
                return prepareEof(p, afterPrepareParams());
            case PREPARE_COLUMNS:
                if (--remaining == 0) {
                    state = serverDeprecateEof ? State.DONE : State.PREPARE_COLUMNS_EOF;
                    if (serverDeprecateEof && !clientDeprecateEof) {
                        action = Action.EOF_AFTER;
                    }
                    if (state == State.DONE) {
                        resultSets++;
                    }
                }
                return PacketKind.COLUMN_DEFINITION;
            case PREPARE_COLUMNS_EOF:
                PacketKind k = prepareEof(p, State.DONE);
                resultSets++;
                return k;
            case FIELDS:
                if (first == ErrPacket.HEADER) {
                    return err(p);
                }
                if (isTerminator(p)) {
                    return simpleTerminator(p);
                }
                return PacketKind.COLUMN_DEFINITION;
            case SIMPLE:
                if (first == ErrPacket.HEADER) {
                    return err(p);
                }
                if (first == OkPacket.HEADER) {
                    return ok(p, false);
                }
                if (isTerminator(p)) {
                    return simpleTerminator(p);
                }
                throw unexpected("0x" + Integer.toHexString(first) + " in answer to " + command);
            case STATISTICS:
                if (first == ErrPacket.HEADER) {
                    return err(p);
                }
                state = State.DONE;
                resultSets++;
                return PacketKind.STATISTICS;
            case AUTH:
                if (first == ErrPacket.HEADER) {
                    return err(p);
                }
                if (first == OkPacket.HEADER) {
                    return ok(p, false);
                }
                if (first == AuthSwitchRequest.HEADER) {
                    return PacketKind.AUTH_SWITCH;
                }
                if (first == AuthMoreData.HEADER) {
                    return PacketKind.AUTH_MORE_DATA;
                }
                throw unexpected("0x" + Integer.toHexString(first) + " in answer to COM_CHANGE_USER");
            case LOCAL_INFILE:
                throw unexpected("a packet while the client's LOCAL INFILE data is awaited");
            default:
                throw unexpected("a packet after the response was complete");
        }
    }

    private State afterPrepareParams() {
        remaining = prepareOk.columnCount();
        if (remaining > 0) {
            return State.PREPARE_COLUMNS;
        }
        resultSets++;
        return State.DONE;
    }

    private PacketKind prepareEof(ByteBuf p, State next) {
        if (!EofPacket.isEof(p)) {
            throw unexpected("0x" + Integer.toHexString(p.getUnsignedByte(p.readerIndex()))
                    + " where the EOF after definitions belongs");
        }
        statusFlags = EofPacket.parse(p).statusFlags();
        action = clientDeprecateEof ? Action.DROP : Action.PASS;
        state = next;
        return PacketKind.EOF;
    }

    private PacketKind simpleTerminator(ByteBuf p) {
        PacketKind k = terminator(p);
        if (serverDeprecateEof && !clientDeprecateEof && k == PacketKind.OK) {
            action = Action.OK_TO_EOF;
        } else if (!serverDeprecateEof && clientDeprecateEof && k == PacketKind.EOF) {
            action = Action.EOF_TO_OK;
        } else if (k == PacketKind.OK && sessionTrackDiffers) {
            action = Action.REENCODE_OK;
        }
        state = State.DONE;
        resultSets++;
        return k;
    }

    private PacketKind ok(ByteBuf p, boolean mayContinue) {
        lastOk = OkPacket.parse(p, serverCapabilities);
        statusFlags = lastOk.statusFlags();
        if (sessionTrackDiffers) {
            action = Action.REENCODE_OK;
        }
        endResult(!mayContinue);
        return PacketKind.OK;
    }

    private PacketKind err(ByteBuf p) {
        error = ErrPacket.parse(p);
        state = State.DONE;
        resultSets++;
        return PacketKind.ERR;
    }

    private void endResult(boolean last) {
        resultSets++;
        if (!last && MySqlStatusFlags.moreResults(statusFlags)
                && (command == MySqlCommand.COM_QUERY || command == MySqlCommand.COM_STMT_EXECUTE)) {
            state = State.FIRST;
        } else {
            state = State.DONE;
        }
    }
}
