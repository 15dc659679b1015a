<?php
// mysqli (mysqlnd) with exceptions (MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT), charset utf8mb4:
// prepared statements (COM_STMT_PREPARE/EXECUTE) with bind_param of ints and strings, each executed
// TR_ITERATIONS times, a text query, a transaction that commits (begin_transaction/commit) and one that
// rolls back, all checked. TR_TENANT_BIND=int binds the tenant with type "i".
// Table: items (id bigint primary key, tenant_id varchar not null default '', name, qty int).

declare(strict_types=1);
require __DIR__ . '/lib.php';

tr_run('mysqli', 'mysql', function (array $cfg, Report $report): void {
    $iterations = tr_int('TR_ITERATIONS', 20, 1);
    $bind = tr_env('TR_TENANT_BIND', 'string');
    if (!in_array($bind, ['string', 'int'], true)) {
        throw new ConfigError('TR_TENANT_BIND must be string|int');
    }
    if ($bind === 'int' && !preg_match('/^-?\d+$/', $cfg['tenant'])) {
        throw new ConfigError('TR_TENANT_BIND=int needs an integer tenant');
    }
    mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
    $t = $cfg['tenant'];
    $tb = $bind === 'int' ? (int) $t : $t;
    $tt = $bind === 'int' ? 'i' : 's';
    $inSql = $cfg['tenantInSql'];
    $rowTenant = $inSql ? $t : '';
    $tw = $inSql ? 'tenant_id = ? AND ' : '';
    $base = $cfg['idBase'];

    $m = new mysqli($cfg['host'], $cfg['user'], $cfg['password'], $cfg['database'], $cfg['port']);
    $m->set_charset('utf8mb4');
    if ($cfg['source'] === 'set') {
        $m->query("SET @tenantroute_tenant = '" . $m->real_escape_string($t) . "'");
    }
    if ($cfg['directChecks']) {
        $v = $m->query('SELECT @tenantroute_tenant AS t')->fetch_assoc()['t'];
        if ($report->check('tenant-echo', $cfg['source'] === 'set' ? $t : null, $v)) {
            $report->count('tenantEchoChecked');
        }
    }

    $insert = $m->prepare($inSql ? 'INSERT INTO items (id, tenant_id, name, qty) VALUES (?, ?, ?, ?)' : 'INSERT INTO items (id, name, qty) VALUES (?, ?, ?)');
    $select = $m->prepare("SELECT id, tenant_id, name, qty FROM items WHERE {$tw}id = ?");
    $update = $m->prepare("UPDATE items SET qty = qty + ? WHERE {$tw}id = ?");
    // bind_param binds by reference: the statements read $id, $name, $qty, $delta at each execute().
    $id = 0;
    $name = '';
    $qty = 0;
    $delta = 100;
    if ($inSql) {
        $insert->bind_param("i{$tt}si", $id, $tb, $name, $qty);
        $select->bind_param("{$tt}i", $tb, $id);
        $update->bind_param("i{$tt}i", $delta, $tb, $id);
    } else {
        $insert->bind_param('isi', $id, $name, $qty);
        $select->bind_param('i', $id);
        $update->bind_param('ii', $delta, $id);
    }
    $fetch = function () use ($select): array {
        $select->execute();
        $rows = $select->get_result()->fetch_all(MYSQLI_ASSOC);
        return array_map(fn ($r) => ['id' => (int) $r['id'], 'tenant_id' => (string) $r['tenant_id'], 'name' => $r['name'], 'qty' => (int) $r['qty']], $rows);
    };

    for ($i = 0; $i < $iterations; $i++) {
        $id = $base + $i;
        $name = "mysqli-$i";
        $qty = $i;
        $at = ['iteration' => $i];
        try {
            $insert->execute();
            $report->check('insert', 1, $insert->affected_rows, $at);
            $report->check('select', [['id' => $id, 'tenant_id' => $rowTenant, 'name' => $name, 'qty' => $i]], $fetch(), $at);
            $update->execute();
            $report->check('update', 1, $update->affected_rows, $at);
            $n = $m->query('SELECT count(*) AS n FROM items WHERE ' . ($inSql ? "tenant_id = '" . $m->real_escape_string($t) . "' AND " : '')
                . "id BETWEEN $base AND " . ($base + 899999))->fetch_assoc()['n'];
            $report->check('text-count', $i + 1, (int) $n, $at);
            $report->count('iterations');
        } catch (Throwable $e) {
            $report->error('iteration', $e, $at);
        }
    }

    try {
        $m->begin_transaction();
        foreach ([0, 1] as $k) {
            $id = $base + 900000 + $k;
            $name = "mysqli-tx-$k";
            $qty = $k;
            $insert->execute();
        }
        $m->query('UPDATE items SET qty = qty + 7 WHERE id IN (' . ($base + 900000) . ', ' . ($base + 900001) . ')');
        $m->commit();
        $rows = $m->query('SELECT id, qty FROM items WHERE ' . ($inSql ? "tenant_id = '" . $m->real_escape_string($t) . "' AND " : '')
            . 'id IN (' . ($base + 900000) . ', ' . ($base + 900001) . ') ORDER BY id')->fetch_all(MYSQLI_ASSOC);
        $rows = array_map(fn ($r) => ['id' => (int) $r['id'], 'qty' => (int) $r['qty']], $rows);
        if ($report->check('tx-commit-visible', [['id' => $base + 900000, 'qty' => 7], ['id' => $base + 900001, 'qty' => 8]], $rows)) {
            $report->count('committed');
        }
    } catch (Throwable $e) {
        $report->error('tx-commit', $e);
        $m->rollback();
    }

    try {
        $m->begin_transaction();
        $id = $base + 900002;
        $name = 'mysqli-rb';
        $qty = 0;
        $insert->execute();
        $report->check('rb-visible-inside', 1, count($fetch()));
        $m->rollback();
        if ($report->check('rb-gone-after', 0, count($fetch()))) {
            $report->count('rolledBack');
        }
    } catch (Throwable $e) {
        $report->error('tx-rollback', $e);
    }

    if ($cfg['directChecks']) {
        $n = (int) $m->query("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'")->fetch_assoc()['Value'];
        $report->check('server-prepared', 3, $n);
    }
    $insert->close();
    $select->close();
    $update->close();
    $m->close();
    $report->extra = ['iterations' => $iterations, 'rowsExpected' => $iterations + 2, 'idBase' => $base];
});
