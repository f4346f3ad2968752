//! Sizes of the stored records, for the memory budget of benches/README.md.
use cimi_core::community::RegistrationOutcome;
use cimi_core::member::{Consent, Member};
use cimi_core::registration::Registration;
use std::mem::size_of;
fn main() {
    println!("Member: {} bytes", size_of::<Member>());
    println!("Consent: {} bytes", size_of::<Consent>());
    println!(
        "Option<DateTime<Utc>>: {} bytes",
        size_of::<Option<chrono::DateTime<chrono::Utc>>>()
    );
    println!("Registration: {} bytes", size_of::<Registration>());
    println!(
        "Result<RegistrationOutcome, Error> (what register answers): {} bytes",
        size_of::<Result<RegistrationOutcome, cimi_core::Error>>()
    );
    println!("Error: {} bytes", size_of::<cimi_core::Error>());
}
