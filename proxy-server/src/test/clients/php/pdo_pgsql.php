<?php
// PDO pgsql, connected the way Laravel 11's PostgresConnector connects (default config: charset utf8,
// search_path public, sslmode prefer, plus application_name and timezone):
//   DSN  pgsql:host=H;dbname='DB';port=P;client_encoding='utf8';application_name='laravel';sslmode=prefer
//   options ATTR_CASE=NATURAL, ERRMODE=EXCEPTION, ORACLE_NULLS=NATURAL, STRINGIFY_FETCHES=false
//   then prepare("set time zone 'UTC'")->execute(); prepare('set search_path to "public"')->execute()
// (Laravel 11 sends client_encoding and application_name in the DSN, i.e. as startup parameters, and the
// rest as prepared statements.) For each mode of TR_PREPARES (native|emulated|both; default both): a
// prepared INSERT, SELECT and UPDATE each executed TR_ITERATIONS times, a simple-protocol count, a
// transaction that commits and one that rolls back, all checked; the session settings are read back.
// Table: items (id bigint primary key, tenant_id varchar not null default '', name text, qty int).

declare(strict_types=1);
require __DIR__ . '/lib.php';

/** Connects as Laravel 11's PostgresConnector does, then names the tenant as TR_TENANT_SOURCE says. */
function laravel_pgsql(array $cfg, bool $emulate): PDO
{
    $dsn = "pgsql:host={$cfg['host']};dbname='{$cfg['database']}';port={$cfg['port']}"
        . ";client_encoding='utf8';application_name='laravel';sslmode=prefer";
    if ($cfg['source'] === 'startup') {
        // libpq's `options` startup parameter; PDO turns the DSN's ';' into libpq's spaces.
        $dsn .= ';options=' . tr_conninfo_quote(tr_startup_options($cfg['tenant']));
    }
    $pdo = new PDO($dsn, $cfg['user'], $cfg['password'], [
        PDO::ATTR_CASE => PDO::CASE_NATURAL,
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_ORACLE_NULLS => PDO::NULL_NATURAL,
        PDO::ATTR_STRINGIFY_FETCHES => false,
        PDO::ATTR_EMULATE_PREPARES => $emulate,
    ]);
    $pdo->prepare("set time zone 'UTC'")->execute();
    $pdo->prepare('set search_path to "public"')->execute();
    if ($cfg['source'] === 'set') {
        $pdo->exec('SET tenantroute.tenant = ' . $pdo->quote($cfg['tenant']));
    }
    return $pdo;
}

function run_mode(array $cfg, Report $report, string $mode, int $base, int $iterations): void
{
    $at = ['mode' => $mode];
    try {
        $pdo = laravel_pgsql($cfg, $mode === 'emulated');
    } catch (Throwable $e) {
        $report->error('connect', $e, $at);
        return;
    }
    $t = $cfg['tenant'];
    $inSql = $cfg['tenantInSql'];
    $rowTenant = $inSql ? $t : '';

    // The session Laravel set up, read back (holds through a proxy too: it must replay session settings).
    $s = $pdo->query("SELECT current_setting('TimeZone') AS tz, current_setting('search_path') AS sp, "
        . "current_setting('application_name') AS app, current_setting('client_encoding') AS enc")->fetch(PDO::FETCH_ASSOC);
    $report->check('laravel-session', ['tz' => 'UTC', 'sp' => 'public', 'app' => 'laravel', 'enc' => 'UTF8'], $s, $at);
    if ($cfg['directChecks']) {
        $v = $pdo->query("SELECT current_setting('tenantroute.tenant', true) AS t")->fetchColumn();
        $expected = in_array($cfg['source'], ['set', 'startup'], true) ? $t : null;
        if ($report->check('tenant-echo', $expected, $v === '' ? null : $v, $at)) {
            $report->count('tenantEchoChecked');
        }
    }

    try {
        $insert = $pdo->prepare($inSql
            ? 'INSERT INTO items (id, tenant_id, name, qty) VALUES (:id, :tenant, :name, :qty)'
            : 'INSERT INTO items (id, name, qty) VALUES (:id, :name, :qty)');
        $select = $pdo->prepare('SELECT id, tenant_id, name, qty FROM items WHERE ' . ($inSql ? 'tenant_id = ? AND ' : '') . 'id = ?');
        $update = $pdo->prepare('UPDATE items SET qty = qty + ? WHERE ' . ($inSql ? 'tenant_id = ? AND ' : '') . 'id = ?');
        for ($i = 0; $i < $iterations; $i++) {
            $id = $base + $i;
            $name = "php-$mode-$i";
            $ai = $at + ['iteration' => $i];
            try {
                $insert->bindValue(':id', $id, PDO::PARAM_INT);
                if ($inSql) {
                    $insert->bindValue(':tenant', $t, PDO::PARAM_STR);
                }
                $insert->bindValue(':name', $name, PDO::PARAM_STR);
                $insert->bindValue(':qty', $i, PDO::PARAM_INT);
                $insert->execute();
                $report->check('insert', 1, $insert->rowCount(), $ai);
                $select->execute($inSql ? [$t, $id] : [$id]);
                $report->check('select', [['id' => $id, 'tenant_id' => $rowTenant, 'name' => $name, 'qty' => $i]], $select->fetchAll(PDO::FETCH_ASSOC), $ai);
                $update->execute($inSql ? [100, $t, $id] : [100, $id]);
                $report->check('update', 1, $update->rowCount(), $ai);
                // PDO::query without parameters: the simple protocol; the tenant through PDO::quote.
                $n = $pdo->query('SELECT count(*) FROM items WHERE ' . ($inSql ? 'tenant_id = ' . $pdo->quote($t) . ' AND ' : '')
                    . "id BETWEEN $base AND " . ($base + 899999))->fetchColumn();
                $report->check('simple-count', $i + 1, (int) $n, $ai);
                $report->count("$mode-iterations");
            } catch (Throwable $e) {
                $report->error('iteration', $e, $ai);
            }
        }

        // A transaction that commits.
        $a = $base + 900000;
        try {
            $pdo->beginTransaction();
            foreach ([$a, $a + 1] as $k => $id) {
                $insert->execute($inSql ? [':id' => $id, ':tenant' => $t, ':name' => "php-$mode-tx-$k", ':qty' => $k] : [':id' => $id, ':name' => "php-$mode-tx-$k", ':qty' => $k]);
            }
            $pdo->prepare('UPDATE items SET qty = qty + 7 WHERE id IN (?, ?)')->execute([$a, $a + 1]);
            $pdo->commit();
            $rows = $pdo->query('SELECT id, qty FROM items WHERE ' . ($inSql ? 'tenant_id = ' . $pdo->quote($t) . ' AND ' : '')
                . "id IN ($a, " . ($a + 1) . ') ORDER BY id')->fetchAll(PDO::FETCH_ASSOC);
            if ($report->check('tx-commit-visible', [['id' => $a, 'qty' => 7], ['id' => $a + 1, 'qty' => 8]], $rows, $at)) {
                $report->count('committed');
            }
        } catch (Throwable $e) {
            $report->error('tx-commit', $e, $at);
            if ($pdo->inTransaction()) {
                $pdo->rollBack();
            }
        }

        // A transaction that rolls back.
        $b = $base + 900002;
        try {
            $pdo->beginTransaction();
            $insert->execute($inSql ? [':id' => $b, ':tenant' => $t, ':name' => "php-$mode-rb", ':qty' => 0] : [':id' => $b, ':name' => "php-$mode-rb", ':qty' => 0]);
            $select->execute($inSql ? [$t, $b] : [$b]);
            $report->check('rb-visible-inside', 1, count($select->fetchAll()), $at);
            $pdo->rollBack();
            $select->execute($inSql ? [$t, $b] : [$b]);
            if ($report->check('rb-gone-after', 0, count($select->fetchAll()), $at)) {
                $report->count('rolledBack');
            }
        } catch (Throwable $e) {
            $report->error('tx-rollback', $e, $at);
        }

        if ($cfg['directChecks']) {
            // Native prepares are named statements on the server (pdo_stmt_…); emulated ones never are.
            $n = (int) $pdo->query("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'pdo_stmt_%'")->fetchColumn();
            $report->check('server-prepared', $mode === 'native', $n > 0, $at);
        }
    } catch (Throwable $e) {
        $report->error('prepare', $e, $at);
    }
}

tr_run('pdo_pgsql', 'postgresql', function (array $cfg, Report $report): void {
    $iterations = tr_int('TR_ITERATIONS', 20, 1);
    $modes = match (tr_env('TR_PREPARES', 'both')) {
        'native' => ['native'],
        'emulated' => ['emulated'],
        'both' => ['native', 'emulated'],
        default => throw new ConfigError('TR_PREPARES must be native|emulated|both'),
    };
    foreach ($modes as $k => $mode) {
        run_mode($cfg, $report, $mode, $cfg['idBase'] + $k * 1000000, $iterations);
    }
    $report->extra = ['modes' => $modes, 'iterations' => $iterations, 'rowsExpected' => count($modes) * ($iterations + 2), 'idBase' => $cfg['idBase']];
});
