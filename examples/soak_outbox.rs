//! For `scripts/soak.sh`: prints the outbox figures of a stopped daemon's
//! store: a line `due sent` (records queued in total, records marked sent),
//! then every distinct recipient address, one a line.
//!
//! `cargo run --example soak_outbox -- CONFIG`

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).expect("usage: soak_outbox CONFIG");
    let config = carousel::config::Config::load(std::path::Path::new(&path))
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let store = carousel::store::Store::open(&config.store_path(), 16)?;
    let records = carousel::outbox::records(&store)?;
    let sent = records
        .iter()
        .filter(|r| matches!(r.delivery, carousel::outbox::Delivery::Sent { .. }))
        .count();
    println!("{} {sent}", records.len());
    let recipients: std::collections::BTreeSet<&str> = records
        .iter()
        .flat_map(|r| r.email.to.iter().map(String::as_str))
        .collect();
    for to in recipients {
        println!("{to}");
    }
    Ok(())
}
