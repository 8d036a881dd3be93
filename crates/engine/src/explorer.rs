//! The Explorer ("Map it"): where across an organisation's services each
//! of the Four Co's already happens, where it is only planned, and where
//! nothing happens at all.
//!
//! Every service is a row and every Co a column. A cell counts the
//! initiatives of that service using that Co, by stage. A cell is
//! *happening* when at least one of them is running; *planned* when none
//! runs but one is proposed; otherwise it is a *gap* — including a cell
//! whose only initiatives have ended, because co-production that stopped
//! is no longer there for anyone. Services are matched by name ignoring
//! case and surrounding spaces, so "Home care" and "home care " are one
//! row; the first spelling seen is the one shown.

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::self_assessment::Co;
use crate::surveys::statistics::count_as_f64;

/// Where an initiative stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// An idea or plan that has not started.
    Proposed,
    /// Happening now.
    Running,
    /// Finished or stopped.
    Ended,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Proposed, Stage::Running, Stage::Ended];

    pub const fn key(self) -> &'static str {
        match self {
            Stage::Proposed => "proposed",
            Stage::Running => "running",
            Stage::Ended => "ended",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|stage| stage.key() == raw)
            .ok_or(Invalid::new("error.star.stage"))
    }
}

/// One initiative as the grid sees it.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    pub service: &'a str,
    pub cos: &'a [Co],
    pub stage: Stage,
}

/// What a cell of the grid shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    Happening,
    Planned,
    Gap,
}

/// The initiatives of one service using one Co, by stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub running: usize,
    pub proposed: usize,
    pub ended: usize,
}

impl Cell {
    pub fn state(&self) -> CellState {
        if self.running > 0 {
            CellState::Happening
        } else if self.proposed > 0 {
            CellState::Planned
        } else {
            CellState::Gap
        }
    }

    fn add(&mut self, stage: Stage) {
        match stage {
            Stage::Proposed => self.proposed += 1,
            Stage::Running => self.running += 1,
            Stage::Ended => self.ended += 1,
        }
    }
}

/// One service across the Four Co's, in [`Co::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub service: String,
    pub cells: [Cell; 4],
}

impl Row {
    /// The Co's this service does not yet co-produce in.
    pub fn gaps(&self) -> Vec<Co> {
        Co::ALL
            .into_iter()
            .zip(self.cells)
            .filter(|(_, cell)| cell.state() == CellState::Gap)
            .map(|(co, _)| co)
            .collect()
    }
}

/// Services × Four Co's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grid {
    pub rows: Vec<Row>,
}

impl Grid {
    /// Every gap, service by service.
    pub fn gaps(&self) -> Vec<(&str, Co)> {
        self.rows
            .iter()
            .flat_map(|row| row.gaps().into_iter().map(|co| (row.service.as_str(), co)))
            .collect()
    }

    /// Co's no service uses yet: the organisation's blind spots.
    pub fn missing_cos(&self) -> Vec<Co> {
        Co::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| {
                self.rows
                    .iter()
                    .all(|row| row.cells[*i].state() != CellState::Happening)
            })
            .map(|(_, co)| co)
            .collect()
    }

    /// The share of cells where co-production is happening, 0–1; `None`
    /// for an empty grid.
    pub fn coverage(&self) -> Option<f64> {
        let cells = self.rows.len() * Co::ALL.len();
        if cells == 0 {
            return None;
        }
        let happening = self
            .rows
            .iter()
            .flat_map(|row| row.cells)
            .filter(|cell| cell.state() == CellState::Happening)
            .count();
        let as_f64 = |n: usize| count_as_f64(u64::try_from(n).unwrap_or(u64::MAX));
        Some(as_f64(happening) / as_f64(cells))
    }
}

fn same_service(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Builds the grid from the services to show (so a service with no
/// initiative at all still appears, all gaps) and the initiatives. A
/// service named only by an initiative is added after the listed ones.
pub fn grid<'a>(
    services: impl IntoIterator<Item = &'a str>,
    initiatives: &[Placement<'_>],
) -> Grid {
    let mut rows: Vec<Row> = Vec::new();
    let row_for = |rows: &mut Vec<Row>, name: &str| -> usize {
        if let Some(i) = rows.iter().position(|r| same_service(&r.service, name)) {
            i
        } else {
            rows.push(Row {
                service: name.trim().to_owned(),
                cells: [Cell::default(); 4],
            });
            rows.len() - 1
        }
    };
    for service in services {
        if !service.trim().is_empty() {
            row_for(&mut rows, service);
        }
    }
    for placement in initiatives {
        let i = row_for(&mut rows, placement.service);
        for co in placement.cos {
            let column = Co::ALL.iter().position(|c| c == co).unwrap_or(0);
            rows[i].cells[column].add(placement.stage);
        }
    }
    Grid { rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place<'a>(service: &'a str, cos: &'a [Co], stage: Stage) -> Placement<'a> {
        Placement {
            service,
            cos,
            stage,
        }
    }

    #[test]
    fn a_service_with_nothing_is_all_gaps_and_listed_first_spelling_wins() {
        let grid = grid(
            ["Home care", "Day centre"],
            &[place(
                "home care ",
                &[Co::CoDelivery, Co::CoDesign],
                Stage::Running,
            )],
        );
        assert_eq!(grid.rows.len(), 2);
        assert_eq!(grid.rows[0].service, "Home care");
        assert_eq!(grid.rows[0].gaps(), [Co::CoCommissioning, Co::CoAssessment]);
        assert_eq!(grid.rows[1].gaps(), Co::ALL);
        assert_eq!(grid.gaps().len(), 6);
        assert_eq!(grid.coverage(), Some(2.0 / 8.0));
    }

    #[test]
    fn planned_is_not_a_gap_but_ended_is() {
        let grid = grid(
            [],
            &[
                place("Library", &[Co::CoDesign], Stage::Proposed),
                place("Library", &[Co::CoAssessment], Stage::Ended),
            ],
        );
        let row = &grid.rows[0];
        assert_eq!(row.cells[1].state(), CellState::Planned);
        assert_eq!(row.cells[3].state(), CellState::Gap);
        assert_eq!(row.cells[3].ended, 1);
        assert_eq!(
            row.gaps(),
            [Co::CoCommissioning, Co::CoDelivery, Co::CoAssessment]
        );
    }

    #[test]
    fn a_co_happening_nowhere_is_missing_across_the_organisation() {
        let grid = grid(
            [],
            &[
                place("Library", &[Co::CoDesign], Stage::Running),
                place("Transport", &[Co::CoDelivery], Stage::Running),
                place("Transport", &[Co::CoCommissioning], Stage::Proposed),
            ],
        );
        assert_eq!(grid.missing_cos(), [Co::CoCommissioning, Co::CoAssessment]);
    }

    #[test]
    fn running_initiatives_are_counted_in_each_of_their_cos() {
        let cos = [Co::CoDesign, Co::CoDelivery];
        let grid = grid(
            [],
            &[
                place("Lunch club", &cos, Stage::Running),
                place("Lunch club", &cos[..1], Stage::Running),
            ],
        );
        assert_eq!(grid.rows[0].cells[1].running, 2);
        assert_eq!(grid.rows[0].cells[2].running, 1);
        assert!(grid.gaps().iter().all(|(_, co)| !cos.contains(co)));
    }

    #[test]
    fn an_empty_organisation_has_no_coverage_figure() {
        assert_eq!(grid([], &[]).coverage(), None);
        assert_eq!(Stage::parse("running"), Ok(Stage::Running));
        assert!(Stage::parse("finished").is_err());
    }
}
