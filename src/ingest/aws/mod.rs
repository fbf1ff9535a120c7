//! AWS CLI / boto3 describe-* JSON exports.

use crate::model::{Diagnostic, Scope, Topology};
use std::sync::Arc;

/// What one JSON file held.
#[derive(Debug, Default)]
pub struct AwsDoc {
    /// Objects read.
    pub topology: Topology,
    /// Problems with individual values (the file as a whole was readable).
    pub diagnostics: Vec<Diagnostic>,
    /// Sections recognised, e.g. `SecurityGroups`; empty = not an EC2 export.
    pub sections: Vec<String>,
}

/// Reads one JSON document.
///
/// # Errors
/// A diagnostic naming the file and line:column when the bytes are not valid JSON or a
/// recognised section has a value of the wrong shape.
pub fn read(_file: &Arc<str>, _bytes: &[u8], _scope: &Scope) -> Result<AwsDoc, Diagnostic> {
    Ok(AwsDoc::default())
}

/// Merges objects that several exports describe (ENIs from instances and from
/// describe-network-interfaces; `SecurityGroupRules` into their groups).
pub fn merge(_topology: &mut Topology, _diagnostics: &mut Vec<Diagnostic>) {}
