//! Newtype identifiers, so a subnet id cannot be passed where a group id is wanted.

macro_rules! define_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    )*};
}

define_id! {
    /// A security group id, `sg-…`.
    GroupId,
    /// A VPC id, `vpc-…`.
    VpcId,
    /// A subnet id, `subnet-…`.
    SubnetId,
    /// A network ACL id, `acl-…`.
    NaclId,
    /// A route table id, `rtb-…`.
    RouteTableId,
    /// An internet gateway id, `igw-…`.
    IgwId,
    /// A network interface id, `eni-…`.
    EniId,
    /// An instance id, `i-…`.
    InstanceId,
    /// An EBS volume id, `vol-…`.
    VolumeId,
    /// A prefix list id, `pl-…`.
    PrefixListId,
    /// An AWS account id (12 digits) or an account folder name.
    AccountId,
}
