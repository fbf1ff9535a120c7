//! AWS CLI / boto3 describe-* JSON exports.
//!
//! Contract: [`read`] turns one JSON document into model objects of one [`Scope`] plus
//! diagnostics; [`merge`] (once, after every file) folds objects that several files
//! describe. Nothing here evaluates policy.
//!
//! # What is recognised (by content, never by file name)
//!
//! Top-level keys `SecurityGroups`, `SecurityGroupRules` (describe-security-group-rules;
//! also the output of authorize-security-group-*), `Reservations`, `Instances`,
//! `NetworkInterfaces`, `Subnets`, `RouteTables`, `NetworkAcls`, `Vpcs`,
//! `InternetGateways`, `PrefixLists` (describe-prefix-lists with `Cidrs`, and
//! describe-managed-prefix-lists, whose output uses the same key with metadata only:
//! `entries: None`), `ManagedPrefixLists` (same shape), `Entries`
//! (get-managed-prefix-list-entries), `Addresses` and `Volumes`; and, for the groups
//! they name only ([`GroupUser`](crate::model::GroupUser)), other services' resources:
//! `DBInstances`, `DBClusters`, `LoadBalancerDescriptions`, `LoadBalancers`, `Functions`,
//! `Clusters`, `CacheClusters`, `DomainStatusList`, `DomainStatus` (one object),
//! `VpcEndpoints`, `computeEnvironments`, `LaunchTemplateVersions`,
//! `LaunchConfigurations`, `ClusterInfoList`, `services`, `Targets` (EventBridge targets
//! running ECS tasks), `cluster` (EKS, one object) and `SecurityGroupReferenceSet`
//! (see `raw::user_kind_of_key`; `Targets` and `cluster` only when an element names a
//! group through its own fields, else they are wrappers), and `SecurityGroups` holding
//! ids (efs describe-mount-target-security-groups; the mount target from a sibling
//! `MountTargetId` key, an sgcheck extension, or an `fsmt-…` id in the file name; a
//! SageMaker notebook instance beside `NotebookInstanceName`; an Amazon MQ broker beside
//! `BrokerId` or `BrokerName`); AWS
//! Config configuration items under `Results`, `configurationItems` and
//! `baseConfigurationItems`: EC2 resources as their describe-* elements, other types as
//! service resources for the groups their `relationships` name (see
//! `raw::config_items`; a list holding no Config item is a wrapper). Also:
//!
//! - a one-level wrapper under any other top-level key: the placebo recording
//!   `{"status_code": 200, "data": {...}}` (JSON paths then read `data.SecurityGroups[0]`)
//!   or a named fixture such as `{"DESCRIBE_INSTANCES": {"Reservations": [...]}}`;
//! - bare arrays, at the top level or as the value of a top-level key (cartography's
//!   `{"DESCRIBE_SGS": [...]}`), classified by their first element's keys: `GroupId` +
//!   `IpPermissions` = security groups, `InstanceId` + `InstanceType`/`ImageId` =
//!   instances, `NetworkInterfaceId` + addresses/groups = ENIs, `VolumeId` + `Size` =
//!   volumes, `SubnetId` + `CidrBlock` = subnets, `VpcId` + `CidrBlock` = VPCs, and so on
//!   (see `raw::kind_of`);
//! - `NextToken`, `ResponseMetadata` and unknown keys anywhere are ignored.
//!
//! An empty [`AwsDoc::sections`] means "not an EC2 export" (the driver lists the file as
//! skipped).
//!
//! # Errors, and what is read leniently
//!
//! - Not JSON, or a known field of the wrong JSON type (`"FromPort": "22"`): the whole
//!   file fails with one error naming the file and line:column and what was expected (a
//!   wrong type also names its JSON path, found by parsing the file again with path
//!   tracking: see `raw::error_path`).
//! - Valid JSON with a bad value (CIDR `10.0.0.0/33`, port 70000, ICMP type 300, protocol
//!   `"tcpx"`, a missing id, two destinations in one `SecurityGroupRules` record, route or
//!   NACL entry): an error at the JSON path
//!   (`SecurityGroups[3].IpPermissions[0].FromPort`) naming the owning object; that one
//!   rule / NACL entry / route / prefix-list entry / object is not created, the rest is.
//!   A bare array whose element has a field of the wrong JSON type fails the file; the
//!   error names the file and the JSON path (`[1].IpPermissions[0].FromPort`) but no
//!   line:column (the elements are read through a generic value, whose position would be
//!   the end of the array).
//! - A State that is present but unreadable (`"Name": "exploded"`, code 7) is an error;
//!   an instance with no `State` at all (minimal exports, e.g. Cloud Custodian recordings
//!   holding only `InstanceId` and `KeyName`) is a warning. Either way the instance is
//!   left out (the model has no unknown state) and its network interfaces are kept:
//!   attached to an instance not in the input, they are taken to be on a running one.
//! - Warnings, read anyway: host bits in a CIDR (masked, as AWS stores it); TCP/UDP with
//!   `FromPort`/`ToPort` -1 or missing (read as 0 and 65535, as Batfish does); ports on
//!   protocol -1 or other numbers other than -1/-1 (ignored, as AWS does); ICMP type -1
//!   with a code (becomes [`L4::Nothing`](crate::net::L4::Nothing), as Batfish does); a
//!   permission with no peers (no rule); an instance with no `NetworkInterfaces` but with
//!   addresses (no ENI is synthesised); prefix-list `Entries` that cannot be tied to a list;
//!   a host address that does not parse (the AWS CLI's own describe-instances example has
//!   `"PrivateIpAddress": "10-0-0-157"`); a TCP/UDP NACL entry without `PortRange` (all
//!   ports, as Batfish reads it).
//! - Objects of a section that another key also means (`"PrefixLists": {...}` in a service
//!   model, `"PrefixListId"` as an object) are not sections: only arrays are.
//! - `icmp` with only IPv6 ranges is kept as is (audits flag it).
//!
//! # Large documents
//!
//! A document of 4 MiB or more has its largest list section parsed and lowered on all
//! threads in chunks (`chunked.rs`; security-group elements through a strict hand-written
//! reader, `fast.rs`, when they fit its subset). The result is the one-thread reader's:
//! same objects, order, JSON paths and diagnostics; on any error, and for layouts the
//! chunked reader does not handle, the document is read again on one thread, so error
//! messages and line:column are the one-thread reader's too.
//!
//! # Objects
//!
//! Each `IpPermission` × each peer (`IpRanges`, `Ipv6Ranges`, `PrefixListIds`,
//! `UserIdGroupPairs`) is one [`Rule`](crate::model::Rule) whose origin is the peer's
//! path (`SecurityGroups[3].IpPermissions[0].IpRanges[1]`), so the permission is the
//! origin path minus its last segment. A `SecurityGroupRules` record becomes a group
//! holding one rule (origin `SecurityGroupRules[i]`, with `rule_id`) that [`merge`] folds
//! into its group. ENIs come from `NetworkInterfaces` and from each instance's
//! `NetworkInterfaces` (which inherit the instance's subnet, VPC, AZ and owner when their
//! own are missing). Every object gets the caller's `scope` unchanged (so lookups across
//! the files of one export agree); `OwnerId` goes to the object's `owner`.
//!
//! # Prefix-list entries
//!
//! get-managed-prefix-list-entries output (`{"Entries": [{"Cidr", "Description"}]}`) has
//! no list id. It is tied to a list by, in order: the sgcheck extension key
//! `"PrefixListId": "pl-…"` beside `Entries` in the same object; a `pl-<8+ hex>` id in
//! the file's name (`pl-0123456abcabcabc1.json`, `entries.pl-63a5400a.json`). Otherwise a
//! warning says the entries are not used (never dropped silently). A tied file yields a
//! prefix list with only id and entries, which [`merge`] combines with the metadata from
//! describe-managed-prefix-lists.

mod chunked;
mod fast;
mod lower;
mod merge;
mod raw;

#[cfg(test)]
mod chunked_tests;
#[cfg(test)]
mod tests;

pub use merge::{merge, merge_pages};

use crate::model::{Diagnostic, Origin, Scope, Topology};
use std::sync::Arc;

/// Whether a section name (as [`AwsDoc::sections`] lists it) holds other services'
/// resources, read only for the groups they name (`DBInstances`, `LoadBalancers`, …).
pub fn is_service_section(name: &str) -> bool {
    raw::user_kind_of_key(name).is_some() || raw::ID_LIST_SECTIONS.contains(&name)
}

/// What one JSON file held.
#[derive(Debug, Default)]
pub struct AwsDoc {
    /// Objects read.
    pub topology: Topology,
    /// Problems with individual values (the file as a whole was readable).
    pub diagnostics: Vec<Diagnostic>,
    /// Sections recognised, e.g. `SecurityGroups`; empty = not an EC2 export.
    pub sections: Vec<String>,
    /// Whether a section lists network interfaces (see [`raw::Body::lists_interfaces`]).
    pub lists_interfaces: bool,
    /// The sections that are one page of a paginated listing (a non-empty `NextToken`
    /// beside them), at their JSON paths: pass them to [`merge_pages`].
    pub pages: Vec<Origin>,
}

/// Reads one JSON document (see the module docs for what is recognised).
///
/// # Errors
/// A diagnostic naming the file and line:column when the bytes are not valid JSON or a
/// recognised field has a value of the wrong JSON type.
pub fn read(file: &Arc<str>, bytes: &[u8], scope: &Scope) -> Result<AwsDoc, Diagnostic> {
    read_with(file, bytes, scope, chunked::Chunking::DEFAULT)
}

/// [`read`], splitting the largest list as `chunking` says. The result is the same as
/// [`read_whole`]'s whether or not the document is split (see [`chunked`]).
fn read_with(
    file: &Arc<str>,
    bytes: &[u8],
    scope: &Scope,
    chunking: chunked::Chunking,
) -> Result<AwsDoc, Diagnostic> {
    if let Some(split) = chunked::Split::find(bytes, chunking)
        && let Some(doc) = read_split(file, bytes, scope, &split)
    {
        return Ok(doc);
    }
    read_whole(file, bytes, scope)
}

/// Reads a document in one pass on one thread.
fn read_whole(file: &Arc<str>, bytes: &[u8], scope: &Scope) -> Result<AwsDoc, Diagnostic> {
    let doc = raw::RawDoc::parse(bytes).map_err(|e| {
        let path = match e.classify() {
            serde_json::error::Category::Data => raw::error_path(bytes),
            _ => None,
        };
        json_error(file, &e, path.as_deref())
    })?;
    let mut lower = lower::Lowerer::new(file, scope);
    for sec in &doc.sections {
        lower.section(sec);
    }
    page_warnings(file, &doc, &mut lower.diagnostics);
    Ok(AwsDoc {
        sections: section_names(&doc),
        lists_interfaces: lists_interfaces(&doc),
        pages: pages(file, &doc),
        topology: lower.topology,
        diagnostics: lower.diagnostics,
    })
}

/// Reads a document whose largest list is parsed and lowered in chunks on several threads;
/// `None` on any problem (the caller then reads the whole document, so errors are reported
/// exactly as [`read_whole`] reports them).
fn read_split(
    file: &Arc<str>,
    bytes: &[u8],
    scope: &Scope,
    split: &chunked::Split,
) -> Option<AwsDoc> {
    let list = split.read(bytes, file, scope)?;
    let rest = split.without_list(bytes, &list);
    assemble(file, scope, &split.path, list, &rest)
}

/// Reads a large file's document like [`read`], without ever holding the whole file:
/// its largest list is read in windows (see [`chunked::read_file`]). `None` when that
/// gives up; the caller then reads the file whole, so the result and every error are
/// those of [`read`].
pub(crate) fn read_path(
    file: &Arc<str>,
    path: &std::path::Path,
    len: usize,
    scope: &Scope,
) -> Option<AwsDoc> {
    read_path_with(
        file,
        path,
        len,
        scope,
        chunked::Chunking::DEFAULT,
        chunked::Windows::DEFAULT,
    )
}

/// [`read_path`] with the given chunking and windows.
fn read_path_with(
    file: &Arc<str>,
    path: &std::path::Path,
    len: usize,
    scope: &Scope,
    chunking: chunked::Chunking,
    windows: chunked::Windows,
) -> Option<AwsDoc> {
    let (list_path, list, rest) = chunked::read_file(path, len, file, scope, chunking, windows)?;
    assemble(file, scope, &list_path, list, &rest)
}

/// The document from its list, read in chunks, and the rest of it (the list emptied).
fn assemble(
    file: &Arc<str>,
    scope: &Scope,
    list_path: &str,
    list: chunked::List,
    rest: &[u8],
) -> Option<AwsDoc> {
    let doc = raw::RawDoc::parse(rest).ok()?;
    // The emptied list is the one section at its path (a repeated key falls back).
    let mut at = doc
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.path == list_path);
    let (index, _) = at.next()?;
    if at.next().is_some() {
        return None;
    }
    let mut lower = lower::Lowerer::new(file, scope);
    let mut parts = Some(list.parts);
    for (i, sec) in doc.sections.iter().enumerate() {
        if i != index {
            lower.section(sec);
            continue;
        }
        for (topology, diagnostics) in parts.take().unwrap_or_default() {
            lower.topology.extend(topology);
            lower.diagnostics.extend(diagnostics);
        }
    }
    page_warnings(file, &doc, &mut lower.diagnostics);
    Some(AwsDoc {
        sections: section_names(&doc),
        // The list read in chunks keeps its section, emptied.
        lists_interfaces: lists_interfaces(&doc),
        pages: pages(file, &doc),
        topology: lower.topology,
        diagnostics: lower.diagnostics,
    })
}

/// The sections of `doc` that are one page of a paginated listing.
fn pages(file: &Arc<str>, doc: &raw::RawDoc<'_>) -> Vec<Origin> {
    (doc.sections.iter())
        .filter(|sec| sec.paged)
        .map(|sec| Origin::json(file, sec.path.clone()))
        .collect()
}

/// Whether a section of `doc` lists network interfaces (all of them: not one page of a
/// paginated listing).
fn lists_interfaces(doc: &raw::RawDoc<'_>) -> bool {
    (doc.sections.iter()).any(|sec| !sec.paged && sec.body.lists_interfaces())
}

/// A warning for each section of `doc` that is one page of a paginated listing.
fn page_warnings(file: &Arc<str>, doc: &raw::RawDoc<'_>, out: &mut Vec<Diagnostic>) {
    for sec in doc.sections.iter().filter(|sec| sec.paged) {
        let mut message = format!(
            "{} is one page of a paginated listing (NextToken is set): objects on later \
             pages are not in this file (the AWS CLI reads every page unless --max-items \
             or --no-paginate is given)",
            sec.body.name()
        );
        if matches!(sec.body, raw::Body::SecurityGroupRules(_)) {
            message.push_str(
                "; its rules add to those describe-security-groups describes for their \
                 groups, never replace them",
            );
        }
        if sec.body.lists_interfaces() {
            message.push_str(
                "; not taken as the list of every network interface, so SG009 and SG012 \
                 do not judge groups by it",
            );
        }
        out.push(Diagnostic::warning(
            Some(Origin::json(file, sec.path.clone())),
            message,
        ));
    }
}

/// The names of the sections read, each once, in order.
fn section_names(doc: &raw::RawDoc<'_>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for sec in &doc.sections {
        let name = sec.body.name();
        if !names.iter().any(|s| s == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// A serde_json error as a diagnostic at its line:column; a wrong JSON type names the JSON
/// path, when known, and reads in AWS terms (`expected an integer, found the string "22"`,
/// not serde's `expected i64`).
fn json_error(file: &Arc<str>, e: &serde_json::Error, path: Option<&str>) -> Diagnostic {
    use serde_json::error::Category;
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = full.strip_suffix(&suffix).unwrap_or(&full);
    let what = match e.classify() {
        Category::Syntax => "not valid JSON",
        Category::Eof => "truncated JSON",
        Category::Data => "unexpected value in an AWS export",
        Category::Io => "cannot read JSON",
    };
    let msg = match e.classify() {
        Category::Data => plain_type_error(msg),
        _ => msg.to_string(),
    };
    let line = u32::try_from(e.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(e.column()).unwrap_or(u32::MAX);
    // A bare array's element error (`element [1].IpPermissions[0]: …`) continues the
    // path of the array itself. Its elements were read through a generic value, so the
    // parser's position is the end of the array, not the bad value's: the error names the
    // file and the JSON path, without a misleading line:column.
    let (at, msg, origin) = match msg.strip_prefix("element ") {
        Some(rest) => (
            format!(" at {}", path.unwrap_or("")),
            rest.to_string(),
            Origin::file(file),
        ),
        None => (
            path.map(|p| format!(" at {p}")).unwrap_or_default(),
            msg,
            Origin::line_col(file, line, column),
        ),
    };
    let sep = if msg.starts_with('[') { "" } else { ": " };
    Diagnostic::error(Some(origin), format!("{what}{at}{sep}{msg}"))
}

/// serde's `invalid type: string "22", expected i64` as `expected an integer, found the
/// string "22"`; other messages unchanged but for Rust type names.
fn plain_type_error(msg: &str) -> String {
    fn expected(e: &str) -> &str {
        match e {
            "i64" | "u64" | "i32" | "u32" | "u16" | "u8" => "an integer",
            "f64" | "f32" => "a number",
            "a sequence" => "a list",
            "a boolean" | "a bool" => "true or false",
            e if e.starts_with("struct ") => "an object",
            e => e,
        }
    }
    fn found(f: &str) -> String {
        let f = f.replace('`', "").replace("floating point", "number");
        if f == "unit value" {
            return "null".to_string();
        }
        match f.split_once(' ') {
            Some((kind, value)) => format!("the {kind} {value}"),
            None if f == "map" => "an object".to_string(),
            None if f == "sequence" => "a list".to_string(),
            None => f,
        }
    }
    let (prefix, rest) = match msg.split_once(": ") {
        Some((p, r)) if p.starts_with("element [") => (format!("{p}: "), r),
        _ => (String::new(), msg),
    };
    for (kind, note) in [
        ("invalid type: ", ""),
        ("invalid value: ", " (out of range)"),
    ] {
        if let Some(body) = rest.strip_prefix(kind)
            && let Some((f, e)) = body.rsplit_once(", expected ")
        {
            return format!("{prefix}expected {}, found {}{note}", expected(e), found(f));
        }
    }
    msg.to_string()
}
