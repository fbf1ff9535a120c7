//! Memory (GiB) of common instance types, for the hibernation check (SG020). Types not in
//! the table are reported as unknown, never guessed. Source: the EC2 instance-type pages
//! (general purpose, compute optimized, memory optimized), sizes as published.

/// (family, [(size, GiB)]).
const TABLE: &[(&str, &[(&str, f64)])] = &[
    (
        "t2",
        &[
            ("nano", 0.5),
            ("micro", 1.0),
            ("small", 2.0),
            ("medium", 4.0),
            ("large", 8.0),
            ("xlarge", 16.0),
            ("2xlarge", 32.0),
        ],
    ),
    (
        "t3",
        &[
            ("nano", 0.5),
            ("micro", 1.0),
            ("small", 2.0),
            ("medium", 4.0),
            ("large", 8.0),
            ("xlarge", 16.0),
            ("2xlarge", 32.0),
        ],
    ),
    (
        "t3a",
        &[
            ("nano", 0.5),
            ("micro", 1.0),
            ("small", 2.0),
            ("medium", 4.0),
            ("large", 8.0),
            ("xlarge", 16.0),
            ("2xlarge", 32.0),
        ],
    ),
    (
        "t4g",
        &[
            ("nano", 0.5),
            ("micro", 1.0),
            ("small", 2.0),
            ("medium", 4.0),
            ("large", 8.0),
            ("xlarge", 16.0),
            ("2xlarge", 32.0),
        ],
    ),
    (
        "m4",
        &[
            ("large", 8.0),
            ("xlarge", 16.0),
            ("2xlarge", 32.0),
            ("4xlarge", 64.0),
            ("10xlarge", 160.0),
            ("16xlarge", 256.0),
        ],
    ),
    (
        "m5",
        &[
            ("large", 8.0),
            ("xlarge", 16.0),
            ("2xlarge", 32.0),
            ("4xlarge", 64.0),
            ("8xlarge", 128.0),
            ("12xlarge", 192.0),
            ("16xlarge", 256.0),
            ("24xlarge", 384.0),
        ],
    ),
    (
        "m5a",
        &[
            ("large", 8.0),
            ("xlarge", 16.0),
            ("2xlarge", 32.0),
            ("4xlarge", 64.0),
            ("8xlarge", 128.0),
            ("12xlarge", 192.0),
            ("16xlarge", 256.0),
            ("24xlarge", 384.0),
        ],
    ),
    (
        "m6i",
        &[
            ("large", 8.0),
            ("xlarge", 16.0),
            ("2xlarge", 32.0),
            ("4xlarge", 64.0),
            ("8xlarge", 128.0),
            ("12xlarge", 192.0),
            ("16xlarge", 256.0),
            ("24xlarge", 384.0),
            ("32xlarge", 512.0),
        ],
    ),
    (
        "m7i",
        &[
            ("large", 8.0),
            ("xlarge", 16.0),
            ("2xlarge", 32.0),
            ("4xlarge", 64.0),
            ("8xlarge", 128.0),
            ("12xlarge", 192.0),
            ("16xlarge", 256.0),
            ("24xlarge", 384.0),
            ("48xlarge", 768.0),
        ],
    ),
    (
        "c4",
        &[
            ("large", 3.75),
            ("xlarge", 7.5),
            ("2xlarge", 15.0),
            ("4xlarge", 30.0),
            ("8xlarge", 60.0),
        ],
    ),
    (
        "c5",
        &[
            ("large", 4.0),
            ("xlarge", 8.0),
            ("2xlarge", 16.0),
            ("4xlarge", 32.0),
            ("9xlarge", 72.0),
            ("12xlarge", 96.0),
            ("18xlarge", 144.0),
            ("24xlarge", 192.0),
        ],
    ),
    (
        "c6i",
        &[
            ("large", 4.0),
            ("xlarge", 8.0),
            ("2xlarge", 16.0),
            ("4xlarge", 32.0),
            ("8xlarge", 64.0),
            ("12xlarge", 96.0),
            ("16xlarge", 128.0),
            ("24xlarge", 192.0),
            ("32xlarge", 256.0),
        ],
    ),
    (
        "c7i",
        &[
            ("large", 4.0),
            ("xlarge", 8.0),
            ("2xlarge", 16.0),
            ("4xlarge", 32.0),
            ("8xlarge", 64.0),
            ("12xlarge", 96.0),
            ("16xlarge", 128.0),
            ("24xlarge", 192.0),
            ("48xlarge", 384.0),
        ],
    ),
    (
        "r4",
        &[
            ("large", 15.25),
            ("xlarge", 30.5),
            ("2xlarge", 61.0),
            ("4xlarge", 122.0),
            ("8xlarge", 244.0),
            ("16xlarge", 488.0),
        ],
    ),
    (
        "r5",
        &[
            ("large", 16.0),
            ("xlarge", 32.0),
            ("2xlarge", 64.0),
            ("4xlarge", 128.0),
            ("8xlarge", 256.0),
            ("12xlarge", 384.0),
            ("16xlarge", 512.0),
            ("24xlarge", 768.0),
        ],
    ),
    (
        "r6i",
        &[
            ("large", 16.0),
            ("xlarge", 32.0),
            ("2xlarge", 64.0),
            ("4xlarge", 128.0),
            ("8xlarge", 256.0),
            ("12xlarge", 384.0),
            ("16xlarge", 512.0),
            ("24xlarge", 768.0),
            ("32xlarge", 1024.0),
        ],
    ),
    (
        "r7i",
        &[
            ("large", 16.0),
            ("xlarge", 32.0),
            ("2xlarge", 64.0),
            ("4xlarge", 128.0),
            ("8xlarge", 256.0),
            ("12xlarge", 384.0),
            ("16xlarge", 512.0),
            ("24xlarge", 768.0),
            ("48xlarge", 1536.0),
        ],
    ),
];

/// The memory of `instance_type` in GiB, if the table has it.
pub fn ram_gib(instance_type: &str) -> Option<f64> {
    let (family, size) = instance_type.split_once('.')?;
    TABLE
        .iter()
        .find(|(f, _)| f.eq_ignore_ascii_case(family))?
        .1
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(size))
        .map(|&(_, g)| g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown() {
        assert_eq!(ram_gib("t3.micro"), Some(1.0));
        assert_eq!(ram_gib("r6i.large"), Some(16.0));
        assert_eq!(ram_gib("x2idn.metal"), None);
        assert_eq!(ram_gib("garbage"), None);
    }
}
