//! `coprod import simd FILE.csv`: the Scottish Index of Multiple
//! Deprivation by data zone, for survey breakdowns by deprivation.

use std::path::Path;

use anyhow::{Context, bail};
use coprod_server::places::simd::{self, SimdError};

use super::{Common, SHOW_PROBLEMS, connect};

pub async fn import(common: &Common, file: &Path) -> anyhow::Result<()> {
    let reader =
        std::fs::File::open(file).with_context(|| format!("could not open {}", file.display()))?;
    let records = match simd::parse(std::io::BufReader::new(reader)) {
        Ok(records) => records,
        Err(SimdError::Rows(problems)) => {
            for problem in problems.iter().take(SHOW_PROBLEMS) {
                eprintln!("{}: {problem}", file.display());
            }
            if problems.len() > SHOW_PROBLEMS {
                eprintln!("… and {} more", problems.len() - SHOW_PROBLEMS);
            }
            bail!(
                "{} has {} problem(s); nothing was imported",
                file.display(),
                problems.len()
            );
        }
        Err(other) => bail!("{}: {other}", file.display()),
    };
    let db = connect(common).await?;
    let stored = simd::import(&db, &records).await;
    let total = simd::count(&db).await;
    db.close().await;
    println!(
        "Imported SIMD figures for {} data zones from {}; {} data zones now have them.",
        stored?,
        file.display(),
        total?
    );
    Ok(())
}
