//! SG020: Hibernation with an unencrypted, too small or unsupported root volume.

use super::prelude::*;
use crate::audit::instance_ram::ram_gib;

declare_check! {
    /// ## What it does
    /// For instances with hibernation configured, checks the prerequisites that the
    /// export shows: an EBS root volume, encrypted, of type gp2, gp3, io1 or io2, larger
    /// than the instance's RAM, and RAM below 150 GiB.
    ///
    /// The root volume must hold the RAM contents plus the OS and applications, so one
    /// no larger than RAM is certainly too small; how much more the OS and applications
    /// need is not checked. RAM comes from an embedded table of common instance types;
    /// for a type not in the table the finding says so (info) instead of guessing. The
    /// RAM limit is checked even when the root volume is instance-store or not in the
    /// export (then only that is said of the root, the latter as info). A root of type
    /// `standard` (magnetic), `st1` or `sc1` is reported; a root whose type the export
    /// does not give (or names a type sgcheck does not know) is not judged on its type.
    ///
    /// ## Why is this bad?
    /// Hibernation writes RAM to the root volume: unencrypted, the memory image (keys,
    /// secrets) lands on disk in clear; too small or of an unsupported type, hibernation
    /// fails and the instance stops instead.
    ///
    /// ## Example
    /// ```text
    /// instance i-1 type m5.large hibernation
    ///   volume vol-root 8GiB gp3 root     # unencrypted, 8 GiB < 8 GiB RAM + OS
    /// instance i-2 type m5.large hibernation
    ///   volume vol-mag 30GiB standard encrypted root   # magnetic: not supported
    /// ```
    ///
    /// ## Remediation
    /// Launch from an encrypted gp2, gp3, io1 or io2 AMI/root volume sized for RAM plus
    /// the OS, or disable hibernation (only possible at launch).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/hibernating-prerequisites.html>
    pub struct HibernationPrerequisites {
        code: "SG020",
        name: "hibernation-prerequisites",
        severity: Medium,
        summary: "Hibernation with an unencrypted, too small or unsupported root volume",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for i in ctx.topo.instances.iter().filter(|i| i.hibernation) {
        let mut push = |key: &str, msg: String, sev: Option<Severity>| {
            let mut f = Finding::new(CODE, i.id.to_string(), msg)
                .scope(&i.scope)
                .origin(&i.origin)
                .peer(key);
            if let Some(s) = sev {
                f = f.severity(s);
            }
            out.push(f);
        };
        // `None` when the root is instance-store or not in the export (each said here);
        // the RAM limit below does not depend on the root.
        let root = if i.root_device_type.as_deref() == Some("instance-store") {
            push(
                "root-type",
                format!(
                    "{} has hibernation configured but an instance-store root",
                    i.id
                ),
                None,
            );
            None
        } else {
            let root = i.root_device_name.as_deref().and_then(|rd| {
                i.block_devices
                    .iter()
                    .find(|b| b.device == rd)
                    .and_then(|b| b.volume.as_ref())
                    .and_then(|v| ctx.lookup.volume(v.as_str(), Some(&i.scope)))
            });
            if root.is_none() {
                push(
                    "root-unknown",
                    format!(
                        "{} has hibernation configured; its root volume is not in the export, so encryption and size are unchecked",
                        i.id
                    ),
                    Some(Severity::Info),
                );
            }
            root
        };
        if let Some(root) = root {
            if !root.encrypted {
                push(
                    "unencrypted-root",
                    format!(
                        "{} has hibernation configured but its root {} is not encrypted",
                        i.id, root.id
                    ),
                    None,
                );
            }
            // Not a guess: a root of unknown type (or of a type not listed here) is not
            // judged on its type.
            if let Some(vt) = root.volume_type.as_deref()
                && ["standard", "st1", "sc1"]
                    .iter()
                    .any(|t| vt.eq_ignore_ascii_case(t))
            {
                push(
                    "root-volume-type",
                    format!(
                        "{} has hibernation configured but its root {} is of type {vt}; hibernation needs gp2, gp3, io1 or io2",
                        i.id, root.id
                    ),
                    None,
                );
            }
        }
        // RAM comes from the instance type, so its limit is checked whatever the export
        // shows of the root.
        let ty = i.instance_type.as_deref().unwrap_or("unknown");
        match ram_gib(ty) {
            // Said only when it leaves a known root's size unchecked.
            None if root.is_some() => push(
                "ram-unknown",
                format!(
                    "{} has hibernation configured; the RAM of type {ty} is not in sgcheck's table, so the root size is unchecked",
                    i.id
                ),
                Some(Severity::Info),
            ),
            None => {}
            Some(ram) if ram >= 150.0 => push(
                "ram-too-large",
                format!(
                    "{} ({ty}, {ram} GiB RAM) has hibernation configured; hibernation needs less than 150 GiB of RAM",
                    i.id
                ),
                None,
            ),
            Some(ram) => {
                // The root holds RAM plus the OS and applications: one no larger than
                // RAM is too small (how much more is needed is not known here).
                if let Some(root) = root
                    && let Some(size) = root.size_gib
                    && (size as f64) <= ram
                {
                    let than = if (size as f64) < ram {
                        "smaller than RAM"
                    } else {
                        "only the size of RAM"
                    };
                    push(
                        "root-size",
                        format!(
                            "{} ({ty}, {ram} GiB RAM) has hibernation configured but its root {} is {size} GiB, {than}; it must hold the RAM contents plus the OS and applications",
                            i.id, root.id
                        ),
                        None,
                    );
                }
            }
        }
    }
}
