<?php
// Shared plumbing of the PHP client scripts: configuration from the environment (the same TR_* variables
// as the Node scripts), one JSON object per line on stdout, errors with SQLSTATE/code, checks, exit code.
// PHP 8.2 (Debian php-cli, php-pgsql, php-mysql). See ../README.md.

declare(strict_types=1);

final class ConfigError extends RuntimeException {}

function tr_env(string $name, ?string $default = null): ?string
{
    $v = getenv($name);
    return ($v === false || $v === '') ? $default : $v;
}

function tr_int(string $name, int $default, int $min = 0): int
{
    $raw = tr_env($name);
    if ($raw === null) {
        return $default;
    }
    if (!preg_match('/^-?\d+$/', $raw)) {
        throw new ConfigError("$name must be an integer, was " . json_encode($raw));
    }
    $n = (int) $raw;
    if ($n < $min) {
        throw new ConfigError("$name must be >= $min, was $n");
    }
    return $n;
}

function tr_required(string $name): string
{
    $v = tr_env($name);
    if ($v === null) {
        throw new ConfigError("$name is required");
    }
    return $v;
}

/**
 * The shared settings; $engine is 'postgresql' or 'mysql'. PHP has no API for MySQL connect attributes
 * (mysqlnd sends only its own), so `attribute` is refused here.
 */
function tr_config(string $engine): array
{
    $pg = $engine === 'postgresql';
    $source = tr_env('TR_TENANT_SOURCE', 'none');
    $allowed = $pg ? ['set', 'startup', 'inference', 'none'] : ['set', 'inference', 'none'];
    if (!in_array($source, $allowed, true)) {
        throw new ConfigError("TR_TENANT_SOURCE must be one of " . implode('|', $allowed) . " for PHP on $engine, was "
            . json_encode($source) . ($source === 'attribute' ? ' (PHP has no API to send a MySQL connect attribute)' : ''));
    }
    $tenant = tr_env('TR_TENANT');
    if ($source !== 'none' && $tenant === null) {
        throw new ConfigError("TR_TENANT is required with TR_TENANT_SOURCE=$source");
    }
    if ($source === 'inference') {
        if (tr_env('TR_TENANT_IN_SQL', '1') !== '1') {
            throw new ConfigError('TR_TENANT_SOURCE=inference needs the tenant in the SQL (TR_TENANT_IN_SQL=1)');
        }
        $inSql = true;
    } elseif ($source === 'none') {
        $inSql = false;
    } else {
        $inSql = tr_env('TR_TENANT_IN_SQL', '1') === '1';
    }
    return [
        'engine' => $engine,
        'host' => tr_env('TR_HOST', '127.0.0.1'),
        'port' => tr_int('TR_PORT', $pg ? 5432 : 3306, 1),
        'user' => tr_env('TR_USER', $pg ? 'postgres' : 'root'),
        'password' => tr_env('TR_PASSWORD', ''),
        'database' => tr_required('TR_DATABASE'),
        'source' => $source,
        'tenant' => $source === 'none' ? ($tenant ?? '') : $tenant,
        'tenantInSql' => $inSql,
        'directChecks' => tr_env('TR_DIRECT_CHECKS', '0') === '1',
        'idBase' => tr_int('TR_ID_BASE', random_int(1, 999999) * 1000000000, 1),
    ];
}

function tr_emit(array $obj): void
{
    fwrite(STDOUT, json_encode($obj, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION) . "\n");
}

/** SQLSTATE, vendor code and message of a PDOException / mysqli_sql_exception / other error. */
function tr_describe(Throwable $e): array
{
    if ($e instanceof PDOException) {
        $info = $e->errorInfo ?? null;
        return [
            'sqlstate' => is_array($info) && isset($info[0]) ? $info[0] : (is_string($e->getCode()) ? $e->getCode() : null),
            'code' => is_array($info) && isset($info[1]) ? $info[1] : $e->getCode(),
            'message' => is_array($info) && isset($info[2]) ? $info[2] : $e->getMessage(),
        ];
    }
    if ($e instanceof mysqli_sql_exception) {
        return ['sqlstate' => $e->getSqlState(), 'code' => $e->getCode(), 'message' => $e->getMessage()];
    }
    return ['sqlstate' => null, 'code' => get_class($e), 'message' => $e->getMessage()];
}

final class Report
{
    public int $errors = 0;
    public int $mismatches = 0;
    public array $counts = [];
    public array $extra = [];
    public ?int $exitCode = null;

    public function __construct(public string $script, ?array $cfg = null)
    {
        if ($cfg !== null) {
            tr_emit(['type' => 'config', 'script' => $script, 'host' => $cfg['host'], 'port' => $cfg['port'],
                'user' => $cfg['user'], 'database' => $cfg['database'], 'source' => $cfg['source'],
                'tenant' => $cfg['tenant'], 'tenantInSql' => $cfg['tenantInSql'], 'idBase' => $cfg['idBase']]);
        }
    }

    public function error(string $op, Throwable $e, array $extra = []): void
    {
        $this->errors++;
        tr_emit(['type' => 'error', 'script' => $this->script, 'op' => $op] + $extra + tr_describe($e));
    }

    /** Compares after JSON normalisation; prints a mismatch line when they differ. */
    public function check(string $op, mixed $expected, mixed $actual, array $extra = []): bool
    {
        $e = json_encode($expected, JSON_PRESERVE_ZERO_FRACTION);
        $a = json_encode($actual, JSON_PRESERVE_ZERO_FRACTION);
        if ($e !== $a) {
            $this->mismatches++;
            tr_emit(['type' => 'mismatch', 'script' => $this->script, 'op' => $op] + $extra + ['expected' => $expected, 'actual' => $actual]);
            return false;
        }
        return true;
    }

    public function count(string $name, int $n = 1): void
    {
        $this->counts[$name] = ($this->counts[$name] ?? 0) + $n;
    }

    public function result(string $name, mixed $value): void
    {
        tr_emit(['type' => 'result', 'script' => $this->script, 'name' => $name, 'value' => $value]);
    }

    public function finish(): int
    {
        $ok = $this->errors === 0 && $this->mismatches === 0;
        tr_emit(['type' => 'summary', 'script' => $this->script, 'ok' => $ok, 'errors' => $this->errors,
            'mismatches' => $this->mismatches, 'counts' => (object) $this->counts] + $this->extra);
        return $this->exitCode ?? ($ok ? 0 : 1);
    }
}

/**
 * Runs a script: reads the configuration, runs $body($cfg, $report), prints the summary and exits with
 * 0 (checks passed), 1 (errors or mismatches), 2 (bad configuration).
 */
function tr_run(string $script, string $engine, callable $body): never
{
    $report = null;
    try {
        $cfg = tr_config($engine);
        $report = new Report($script, $cfg);
        $body($cfg, $report);
        exit($report->finish());
    } catch (ConfigError $e) {
        tr_emit(['type' => 'error', 'script' => $script, 'op' => 'config', 'sqlstate' => null, 'code' => 'CONFIG', 'message' => $e->getMessage()]);
        tr_emit(['type' => 'summary', 'script' => $script, 'ok' => false, 'errors' => 1, 'mismatches' => 0, 'counts' => (object) []]);
        exit(2);
    } catch (Throwable $e) {
        $report ??= new Report($script);
        $report->error('fatal', $e);
        exit($report->finish());
    }
}

/** A libpq connection-string value in single quotes (libpq manual, "Connection Strings"). */
function tr_conninfo_quote(string $v): string
{
    return "'" . str_replace(["\\", "'"], ["\\\\", "\\'"], $v) . "'";
}

/** The `options` value that names the tenant: -c tenantroute.tenant=… (backslash escapes spaces). */
function tr_startup_options(string $tenant): string
{
    return '-c tenantroute.tenant=' . str_replace(['\\', ' '], ['\\\\', '\\ '], $tenant);
}
