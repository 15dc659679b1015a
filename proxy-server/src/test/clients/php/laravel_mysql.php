<?php
// How Laravel 11's MySqlConnector (Illuminate\Database\Connectors\MySqlConnector::connect) connects, with
// Laravel's default MySQL config (charset utf8mb4, collation utf8mb4_unicode_ci, strict => true) and a
// timezone: shared by pdo_mysql.php and mysql_writers.php.

declare(strict_types=1);

/** Laravel's strict sql_mode, chosen by the server version PDO reports (MariaDB reports 10.x: the >= 8.0.11 set). */
function laravel_sql_mode(PDO $pdo): string
{
    $version = $pdo->getAttribute(PDO::ATTR_SERVER_VERSION);
    return version_compare($version, '8.0.11') >= 0
        ? 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'
        : 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION';
}

/** Connects as Laravel 11's MySqlConnector does, then names the tenant as TR_TENANT_SOURCE says. */
function laravel_mysql(array $cfg, bool $emulate, ?string &$sqlMode = null): PDO
{
    $pdo = new PDO("mysql:host={$cfg['host']};port={$cfg['port']};dbname={$cfg['database']}", $cfg['user'], $cfg['password'], [
        PDO::ATTR_CASE => PDO::CASE_NATURAL,
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_ORACLE_NULLS => PDO::NULL_NATURAL,
        PDO::ATTR_STRINGIFY_FETCHES => false,
        PDO::ATTR_EMULATE_PREPARES => $emulate,
    ]);
    $pdo->exec("use `{$cfg['database']}`;");
    $sqlMode = laravel_sql_mode($pdo);
    $pdo->exec("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci', time_zone='+00:00', SESSION sql_mode='$sqlMode';");
    if ($cfg['source'] === 'set') {
        $pdo->exec('SET @tenantroute_tenant = ' . $pdo->quote($cfg['tenant']));
    }
    return $pdo;
}
