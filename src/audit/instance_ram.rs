//! Memory (GiB) of common instance types, for the hibernation check (SG020). Types not in
//! the table are reported as unknown, never guessed. Source: the EC2 instance-type pages
//! (general purpose, compute optimized, memory optimized), sizes as published.

const SMALL_TO_2XL: &[&str] = &[
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge",
];
const TO_24XL: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
];
const TO_32XL: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
    "32xlarge",
];
const TO_48XL: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
    "48xlarge",
];

/// (families, GiB of the `large` size, sizes that exist). Within a family memory scales
/// with the size: `medium` is half of `large`, `xlarge` twice, `Nxlarge` 2N times (so
/// `t3.nano` is 8/16 = 0.5 GiB, `c5.9xlarge` 4 × 18 = 72 GiB, `r4.16xlarge` 15.25 × 32 =
/// 488 GiB, as published).
const TABLE: &[(&[&str], f64, &[&str])] = &[
    (&["t2", "t3", "t3a", "t4g"], 8.0, SMALL_TO_2XL),
    (
        &["m4"],
        8.0,
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "10xlarge", "16xlarge",
        ],
    ),
    (&["m5", "m5a"], 8.0, TO_24XL),
    (&["m6i"], 8.0, TO_32XL),
    (&["m7i"], 8.0, TO_48XL),
    (
        &["c4"],
        3.75,
        &["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"],
    ),
    (
        &["c5"],
        4.0,
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge",
        ],
    ),
    (&["c6i"], 4.0, TO_32XL),
    (&["c7i"], 4.0, TO_48XL),
    (
        &["r4"],
        15.25,
        &[
            "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge",
        ],
    ),
    (&["r5"], 16.0, TO_24XL),
    (&["r6i"], 16.0, TO_32XL),
    (&["r7i"], 16.0, TO_48XL),
];

/// How many times the memory of `large` a size has.
fn multiple_of_large(size: &str) -> Option<f64> {
    Some(match size {
        "nano" => 1.0 / 16.0,
        "micro" => 1.0 / 8.0,
        "small" => 0.25,
        "medium" => 0.5,
        "large" => 1.0,
        "xlarge" => 2.0,
        _ => 2.0 * size.strip_suffix("xlarge")?.parse::<f64>().ok()?,
    })
}

/// The memory of `instance_type` in GiB, if the table has it.
pub fn ram_gib(instance_type: &str) -> Option<f64> {
    let (family, size) = instance_type.split_once('.')?;
    let (family, size) = (family.to_ascii_lowercase(), size.to_ascii_lowercase());
    let (_, large, sizes) = TABLE
        .iter()
        .find(|(fams, _, _)| fams.contains(&family.as_str()))?;
    if !sizes.contains(&size.as_str()) {
        return None;
    }
    Some(large * multiple_of_large(&size)?)
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
        // Published figures the size rule must reproduce.
        assert_eq!(ram_gib("t3.nano"), Some(0.5));
        assert_eq!(ram_gib("C4.8XLARGE"), Some(60.0));
        assert_eq!(ram_gib("c5.9xlarge"), Some(72.0));
        assert_eq!(ram_gib("m4.10xlarge"), Some(160.0));
        assert_eq!(ram_gib("r4.16xlarge"), Some(488.0));
        assert_eq!(ram_gib("m7i.48xlarge"), Some(768.0));
        assert_eq!(ram_gib("r7i.48xlarge"), Some(1536.0));
        // Sizes a family does not have are unknown, not extrapolated.
        assert_eq!(ram_gib("m4.8xlarge"), None);
        assert_eq!(ram_gib("t3.4xlarge"), None);
    }
}
