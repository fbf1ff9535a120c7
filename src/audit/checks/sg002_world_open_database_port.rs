//! SG002: Database or data-store port open to the whole internet.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports database and data-store ports open to the whole internet: MS SQL
    /// 1433-1434, Oracle 1521/2483-2484, MySQL 3306, mSQL 4333, PostgreSQL 5432, Redis 6379,
    /// Cassandra 7000-7001/7199/9042/9160/8888, Elasticsearch 9200/9300, MongoDB
    /// 27017-27018, Memcached 11211, CouchDB 5984, and the `database` entries of the
    /// catalogue. Same set semantics and effective/nominal grading as SG001.
    ///
    /// ## Why is this bad?
    /// Databases exposed to the internet are the classic source of mass data leaks and
    /// ransom wipes (MongoDB, Elasticsearch, Redis); many have no authentication by default.
    ///
    /// ## Example
    /// ```text
    /// group sg-db
    ///   in tcp 5432 from 0.0.0.0/0
    /// ```
    ///
    /// ## Remediation
    /// Allow the database port only from the application tier's security group.
    ///
    /// ## References
    /// - AWS Config `restricted-common-ports`; Security Hub EC2.19
    /// - Prowler `ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_*`
    pub struct WorldOpenDatabasePort {
        code: "SG002",
        name: "world-open-database-port",
        severity: High,
        summary: "Database or data-store port open to the whole internet",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    report(ctx, CODE, Select::Catalogue(Category::Database), out);
}
