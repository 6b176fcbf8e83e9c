//! How long the console takes to render a lead list page of 1,000 leads:
//! the store read, filters and sorting ([`carousel::http::console::leads::list_context`])
//! and the page template, as `GET /leads?view=all` does them. Prints
//! figures; asserts nothing about speed.
//!
//! `cargo run --release --example console_bench [N]` (N = 1000 leads by
//! default). The leads come in as a CSV import and are acted on like
//! `carousel run --once` does, in a temporary store.

use std::sync::Arc;
use std::time::{Duration, Instant};

use carousel::config::Config;
use carousel::http::console::leads::{ListQuery, list_context};

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir()?;
    let base = dir.path();
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(base.join("inbox").join(sub))?;
    }
    let text = "[store]\npath = \"store\"\n[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\n\
[outbox]\ndir = \"outbox\"\nfrom = \"Acme <hello@acme.example>\"\n\
[[rep]]\nname = \"Dana\"\nemail = \"dana@acme.example\"\n";
    let config = Arc::new(
        Config::parse(&base.join("carousel.toml"), text).map_err(|e| anyhow::anyhow!("{e:?}"))?,
    );
    let store = config.open_store()?;

    let mut csv = String::from("name,email,phone,company,interest,timeline\n");
    let timelines = ["immediately", "within 3 months", "next year", "researching"];
    for i in 0..n {
        csv.push_str(&format!(
            "Prospect {i},prospect{i}@buyer{}.example,+1 555 010 {:04},Buyer {i} Ltd,Rooftop solar installation,{}\n",
            i % 97,
            i % 10_000,
            timelines[i % timelines.len()]
        ));
    }
    let file = base.join("leads.csv");
    std::fs::write(&file, csv)?;
    let options = carousel::ingest::import::ImportOptions {
        dry_run: false,
        progress: false,
    };
    carousel::ingest::import::import_with(&store, &file, options)?;
    let act = carousel::act::Act::with(
        Arc::new(config.act_settings()),
        store.clone(),
        Arc::new(carousel::ingest::Wakeups::default()),
    );
    for id in store.pending_responses()? {
        act.act_on(id)?;
    }
    let leads = carousel::act::leads::all(&store)?.len();

    let pages = carousel::http::console::page_environment();
    let query = ListQuery {
        view: Some("all".into()),
        ..ListQuery::default()
    };
    let render = || -> anyhow::Result<(usize, Duration, Duration)> {
        let start = Instant::now();
        let context = list_context(&store, &query, Some("Dana"))?;
        let data = start.elapsed();
        let context = minijinja::context! {
            ..context,
            ..minijinja::context! { user => "bench", role => "manager", csrf => "x", nav => Vec::<(String, String)>::new() }
        };
        let html = pages.get_template("leads.html")?.render(context)?;
        Ok((html.len(), data, start.elapsed()))
    };
    render()?; // warm the sled cache, as a running daemon has it
    let mut totals = Vec::new();
    let mut data_times = Vec::new();
    let mut size = 0;
    for _ in 0..20 {
        let (bytes, data, total) = render()?;
        size = bytes;
        data_times.push(data);
        totals.push(total);
    }
    totals.sort();
    data_times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "console lead list: {leads} leads in the store, page of {} KiB; median {:.1} ms (store + filters {:.1} ms), slowest of 20 {:.1} ms",
        size / 1024,
        ms(totals[totals.len() / 2]),
        ms(data_times[data_times.len() / 2]),
        ms(totals[totals.len() - 1]),
    );
    Ok(())
}
