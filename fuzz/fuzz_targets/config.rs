//! `Config::parse` on arbitrary text: errors must carry a line, never panic.
#![no_main]

use carousel::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(errors) = Config::parse(std::path::Path::new("fuzz.toml"), text) {
        for e in errors {
            let _ = e.to_string();
        }
    }
});
