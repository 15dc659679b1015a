<?php
// One PDO mysql writer for the correctness tests (PHP has no threads: the Java side starts one process
// per writer). Writer TR_WRITER (default 0) writes for TR_TENANT, connected as Laravel 11 connects, with
// native prepares (TR_PREPARES=emulated for emulated ones), until TR_STOP_FILE exists, SIGTERM arrives,
// TR_DURATION_MS passes (0: no limit) or TR_MAX_OPS operations are done: TR_TX_PERCENT % of the operations
// are an explicit transaction (an invoice and 1–3 invoice_lines, which have no tenant column), the rest an
// autocommit insert into items. Every acknowledged write is appended to TR_LEDGER (one JSON line per row,
// {"id","tenant","table","writer"}, appended with LOCK_EX right after the acknowledgement, so writers may
// share one ledger). An error is printed with its SQLSTATE and the writer goes on (a lost connection is
// reopened). Exit 0 when it ran to its end whatever errors it met; 1 on a fatal error; 2 on a bad config.
// Ids: TR_ID_BASE + writer·10^7 + seq; lines invoice id·4 + k.

declare(strict_types=1);
require __DIR__ . '/lib.php';
require __DIR__ . '/laravel_mysql.php';

tr_run('mysql_writers', 'mysql', function (array $cfg, Report $report): void {
    if ($cfg['source'] === 'none') {
        throw new ConfigError('the writers write tenant rows: TR_TENANT_SOURCE must be set|inference');
    }
    $w = tr_int('TR_WRITER', 0, 0);
    $durationMs = tr_int('TR_DURATION_MS', 3000, 0);
    $maxOps = tr_int('TR_MAX_OPS', 0, 0);
    $txPercent = tr_int('TR_TX_PERCENT', 50, 0);
    $pauseMs = tr_int('TR_PAUSE_MS', 0, 0);
    $stopFile = tr_env('TR_STOP_FILE');
    $ledger = tr_required('TR_LEDGER');
    $emulate = tr_env('TR_PREPARES', 'native') === 'emulated';
    if ($w > 90) {
        throw new ConfigError('TR_WRITER ≤ 90');
    }
    if ($durationMs === 0 && $stopFile === null && $maxOps === 0) {
        throw new ConfigError('set TR_DURATION_MS, TR_STOP_FILE or TR_MAX_OPS');
    }
    $t = $cfg['tenant'];
    $stopping = false;
    pcntl_async_signals(true);
    pcntl_signal(SIGTERM, function () use (&$stopping) { $stopping = true; });
    pcntl_signal(SIGINT, function () use (&$stopping) { $stopping = true; });
    $deadline = $durationMs > 0 ? microtime(true) + $durationMs / 1000 : INF;
    // A closure, not an arrow function: it must see $stopping change (arrow functions capture by value).
    $stop = function () use (&$stopping, $deadline, $stopFile): bool {
        return $stopping || microtime(true) >= $deadline || ($stopFile !== null && file_exists($stopFile));
    };
    $acked = ['items' => 0, 'invoices' => 0, 'invoice_lines' => 0];
    $record = function (array $rows) use ($ledger, &$acked): void {
        $text = '';
        foreach ($rows as $r) {
            $text .= json_encode($r) . "\n";
            $acked[$r['table']]++;
        }
        if (file_put_contents($ledger, $text, FILE_APPEND | LOCK_EX) !== strlen($text)) {
            throw new RuntimeException("cannot append to the ledger $ledger");
        }
    };

    $pdo = null;
    $seq = 0;
    $errors = 0;
    $reconnects = 0;
    $ready = false;
    while (!$stop() && ($maxOps === 0 || $seq < $maxOps)) {
        if ($pdo === null) {
            try {
                $pdo = laravel_mysql($cfg, $emulate);
                $item = $pdo->prepare('INSERT INTO items (id, tenant_id, name, qty) VALUES (?, ?, ?, ?)');
                $invoice = $pdo->prepare('INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)');
                $line = $pdo->prepare('INSERT INTO invoice_lines (id, invoice_id, amount) VALUES (?, ?, ?)');
                if (!$ready) {
                    tr_emit(['type' => 'ready', 'script' => 'mysql_writers', 'writer' => $w, 'tenant' => $t]);
                    $ready = true;
                }
            } catch (Throwable $e) {
                $errors++;
                $report->error('connect', $e, ['writer' => $w, 'tenant' => $t]);
                $pdo = null;
                usleep(50000);
                continue;
            }
        }
        $seq++;
        $id = $cfg['idBase'] + $w * 10000000 + $seq;
        $tx = random_int(0, 99) < $txPercent;
        $op = 'insert';
        try {
            if (!$tx) {
                $item->execute([$id, $t, "w$w-$seq", $seq]);
                $record([['id' => $id, 'tenant' => $t, 'table' => 'items', 'writer' => $w]]);
            } else {
                $lines = 1 + $seq % 3;
                $op = 'begin';
                $pdo->beginTransaction();
                $op = 'insert-invoice';
                $invoice->execute([$id, $t, number_format($lines * 2.5, 2, '.', '')]);
                $op = 'insert-line';
                $rows = [['id' => $id, 'tenant' => $t, 'table' => 'invoices', 'writer' => $w]];
                for ($k = 0; $k < $lines; $k++) {
                    $line->execute([$id * 4 + $k, $id, '2.50']);
                    $rows[] = ['id' => $id * 4 + $k, 'tenant' => $t, 'table' => 'invoice_lines', 'writer' => $w];
                }
                $op = 'commit';
                $pdo->commit();
                $record($rows);
            }
        } catch (PDOException $e) {
            $errors++;
            // After an error on COMMIT the outcome is unknown: `uncertain` lets the test allow for that row.
            $report->error($op, $e, ['writer' => $w, 'tenant' => $t, 'id' => $id, 'table' => $tx ? 'invoices' : 'items', 'uncertain' => $op === 'commit']);
            $driverCode = $e->errorInfo[1] ?? null;
            if (in_array($driverCode, [2002, 2006, 2013, 2055, 1053, 1927, 4031], true)) {
                // The connection is gone (client: CR_CONNECTION_ERROR, CR_SERVER_GONE_ERROR, CR_SERVER_LOST,
                // CR_SERVER_LOST_EXTENDED; server: ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED, idle disconnect): reopen.
                $pdo = null;
                $reconnects++;
                usleep(20000);
            } elseif ($pdo->inTransaction()) {
                try {
                    $pdo->rollBack();
                } catch (Throwable) {
                    $pdo = null;
                    $reconnects++;
                }
            }
        }
        if ($pauseMs > 0) {
            usleep($pauseMs * 1000);
        }
    }
    tr_emit(['type' => 'writer', 'script' => 'mysql_writers', 'writer' => $w, 'tenant' => $t, 'ops' => $seq, 'acked' => $acked, 'errors' => $errors, 'reconnects' => $reconnects]);
    $report->extra = ['writers' => 1, 'writer' => $w, 'tenants' => [$t], 'acked' => $acked, 'ledger' => $ledger, 'idBase' => $cfg['idBase']];
    $report->exitCode = 0;
});
