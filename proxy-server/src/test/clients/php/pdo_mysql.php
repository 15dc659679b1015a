<?php
// PDO mysql, connected the way Laravel 11's MySqlConnector connects (default config: charset utf8mb4,
// collation utf8mb4_unicode_ci, strict mode, plus timezone +00:00):
//   DSN  mysql:host=H;port=P;dbname=DB
//   options ATTR_CASE=NATURAL, ERRMODE=EXCEPTION, ORACLE_NULLS=NATURAL, STRINGIFY_FETCHES=false,
//           EMULATE_PREPARES=false (Laravel's default) or true (emulated mode)
//   then exec("use `DB`;")
//   then exec("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci', time_zone='+00:00', SESSION sql_mode='…';")
//   with Laravel's strict sql_mode chosen from PDO::ATTR_SERVER_VERSION (>= 8.0.11: without NO_AUTO_CREATE_USER).
// For each mode of TR_PREPARES (native|emulated|both; default both): a prepared INSERT, SELECT and UPDATE
// each executed TR_ITERATIONS times, a text-protocol count, a transaction that commits and one that rolls
// back, all checked; the session settings are read back. TR_TENANT_BIND=int binds the tenant as an int.
// Table: items (id bigint primary key, tenant_id varchar not null default '', name, qty int).

declare(strict_types=1);
require __DIR__ . '/lib.php';
require __DIR__ . '/laravel_mysql.php';

function sorted_modes(string $m): array
{
    $parts = explode(',', $m);
    sort($parts);
    return $parts;
}

function run_mode(array $cfg, Report $report, string $mode, int $base, int $iterations, bool $bindInt): void
{
    $at = ['mode' => $mode];
    try {
        $pdo = laravel_mysql($cfg, $mode === 'emulated', $sqlMode);
    } catch (Throwable $e) {
        $report->error('connect', $e, $at);
        return;
    }
    $t = $cfg['tenant'];
    $inSql = $cfg['tenantInSql'];
    $rowTenant = $inSql ? $t : '';
    $tw = $inSql ? 'tenant_id = ? AND ' : '';

    $s = $pdo->query('SELECT @@character_set_client AS cs, @@collation_connection AS coll, @@time_zone AS tz, @@sql_mode AS m')->fetch(PDO::FETCH_ASSOC);
    $report->check('laravel-session', ['cs' => 'utf8mb4', 'coll' => 'utf8mb4_unicode_ci', 'tz' => '+00:00', 'm' => sorted_modes($sqlMode)],
        ['cs' => $s['cs'], 'coll' => $s['coll'], 'tz' => $s['tz'], 'm' => sorted_modes($s['m'])], $at);
    if ($cfg['directChecks']) {
        $v = $pdo->query('SELECT @tenantroute_tenant')->fetchColumn();
        if ($report->check('tenant-echo', $cfg['source'] === 'set' ? $t : null, $v, $at)) {
            $report->count('tenantEchoChecked');
        }
    }
    $bindTenant = function (PDOStatement $st, int $pos) use ($t, $bindInt): void {
        $bindInt ? $st->bindValue($pos, (int) $t, PDO::PARAM_INT) : $st->bindValue($pos, $t, PDO::PARAM_STR);
    };

    try {
        $insert = $pdo->prepare($inSql ? 'INSERT INTO items (id, tenant_id, name, qty) VALUES (?, ?, ?, ?)' : 'INSERT INTO items (id, name, qty) VALUES (?, ?, ?)');
        $select = $pdo->prepare("SELECT id, tenant_id, name, qty FROM items WHERE {$tw}id = ?");
        $update = $pdo->prepare("UPDATE items SET qty = qty + ? WHERE {$tw}id = ?");
        $doInsert = function (int $id, string $name, int $qty) use ($insert, $inSql, $bindTenant): int {
            $p = 1;
            $insert->bindValue($p++, $id, PDO::PARAM_INT);
            if ($inSql) {
                $bindTenant($insert, $p++);
            }
            $insert->bindValue($p++, $name, PDO::PARAM_STR);
            $insert->bindValue($p, $qty, PDO::PARAM_INT);
            $insert->execute();
            return $insert->rowCount();
        };
        $doSelect = function (int $id) use ($select, $inSql, $bindTenant): array {
            $p = 1;
            if ($inSql) {
                $bindTenant($select, $p++);
            }
            $select->bindValue($p, $id, PDO::PARAM_INT);
            $select->execute();
            return $select->fetchAll(PDO::FETCH_ASSOC);
        };
        $norm = fn (array $rows) => array_map(fn ($r) => ['id' => (int) $r['id'], 'tenant_id' => (string) $r['tenant_id'], 'name' => $r['name'], 'qty' => (int) $r['qty']], $rows);
        for ($i = 0; $i < $iterations; $i++) {
            $id = $base + $i;
            $name = "php-$mode-$i";
            $ai = $at + ['iteration' => $i];
            try {
                $report->check('insert', 1, $doInsert($id, $name, $i), $ai);
                $report->check('select', [['id' => $id, 'tenant_id' => $rowTenant, 'name' => $name, 'qty' => $i]], $norm($doSelect($id)), $ai);
                $p = 1;
                $update->bindValue($p++, 100, PDO::PARAM_INT);
                if ($inSql) {
                    $bindTenant($update, $p++);
                }
                $update->bindValue($p, $id, PDO::PARAM_INT);
                $update->execute();
                $report->check('update', 1, $update->rowCount(), $ai);
                $n = $pdo->query("SELECT count(*) FROM items WHERE " . ($inSql ? 'tenant_id = ' . $pdo->quote($t) . ' AND ' : '')
                    . "id BETWEEN $base AND " . ($base + 899999))->fetchColumn();
                $report->check('text-count', $i + 1, (int) $n, $ai);
                $report->count("$mode-iterations");
            } catch (Throwable $e) {
                $report->error('iteration', $e, $ai);
            }
        }

        $a = $base + 900000;
        try {
            $pdo->beginTransaction();
            $doInsert($a, "php-$mode-tx-0", 0);
            $doInsert($a + 1, "php-$mode-tx-1", 1);
            $pdo->prepare('UPDATE items SET qty = qty + 7 WHERE id IN (?, ?)')->execute([$a, $a + 1]);
            $pdo->commit();
            $rows = $pdo->query('SELECT id, qty FROM items WHERE ' . ($inSql ? 'tenant_id = ' . $pdo->quote($t) . ' AND ' : '')
                . "id IN ($a, " . ($a + 1) . ') ORDER BY id')->fetchAll(PDO::FETCH_ASSOC);
            $rows = array_map(fn ($r) => ['id' => (int) $r['id'], 'qty' => (int) $r['qty']], $rows);
            if ($report->check('tx-commit-visible', [['id' => $a, 'qty' => 7], ['id' => $a + 1, 'qty' => 8]], $rows, $at)) {
                $report->count('committed');
            }
        } catch (Throwable $e) {
            $report->error('tx-commit', $e, $at);
            if ($pdo->inTransaction()) {
                $pdo->rollBack();
            }
        }

        $b = $base + 900002;
        try {
            $pdo->beginTransaction();
            $doInsert($b, "php-$mode-rb", 0);
            $report->check('rb-visible-inside', 1, count($doSelect($b)), $at);
            $pdo->rollBack();
            if ($report->check('rb-gone-after', 0, count($doSelect($b)), $at)) {
                $report->count('rolledBack');
            }
        } catch (Throwable $e) {
            $report->error('tx-rollback', $e, $at);
        }

        if ($cfg['directChecks']) {
            // Native prepares are COM_STMT_PREPARE on the server; emulated ones never are.
            $n = (int) $pdo->query("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'")->fetch(PDO::FETCH_ASSOC)['Value'];
            $report->check('server-prepared', $mode === 'native', $n > 0, $at);
        }
    } catch (Throwable $e) {
        $report->error('prepare', $e, $at);
    }
}

tr_run('pdo_mysql', 'mysql', function (array $cfg, Report $report): void {
    $iterations = tr_int('TR_ITERATIONS', 20, 1);
    $bind = tr_env('TR_TENANT_BIND', 'string');
    if (!in_array($bind, ['string', 'int'], true)) {
        throw new ConfigError('TR_TENANT_BIND must be string|int');
    }
    if ($bind === 'int' && !preg_match('/^-?\d+$/', $cfg['tenant'])) {
        throw new ConfigError('TR_TENANT_BIND=int needs an integer tenant');
    }
    $modes = match (tr_env('TR_PREPARES', 'both')) {
        'native' => ['native'],
        'emulated' => ['emulated'],
        'both' => ['native', 'emulated'],
        default => throw new ConfigError('TR_PREPARES must be native|emulated|both'),
    };
    foreach ($modes as $k => $mode) {
        run_mode($cfg, $report, $mode, $cfg['idBase'] + $k * 1000000, $iterations, $bind === 'int');
    }
    $report->extra = ['modes' => $modes, 'iterations' => $iterations, 'rowsExpected' => count($modes) * ($iterations + 2), 'idBase' => $cfg['idBase']];
});
