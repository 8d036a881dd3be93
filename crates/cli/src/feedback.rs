//! `coprod feedback due-date`: the model complaints procedure's due dates
//! for other tools, counted by the engine on the built-in calendar
//! (Scotland's bank holidays), with no database. The date alone goes to
//! standard output; a bad date or an unknown stage is refused by the
//! argument parser, naming the argument, with exit status 2.

use clap::{Subcommand, ValueEnum};
use coprod_server::coprod_engine::{
    feedback::{self, Stage},
    schedule::Date,
    working_days::WorkingCalendar,
};

/// Ends the command, like a bad argument does, when the request is well
/// formed but has no answer (an extended stage 2).
const NO_ANSWER: i32 = 2;

#[derive(Subcommand)]
pub enum FeedbackCommand {
    /// The day a complaint's stage must be answered by, as YYYY-MM-DD.
    DueDate {
        /// The day it was received (or, for an investigation, escalated), YYYY-MM-DD.
        #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
        received: Date,
        /// frontline (stage 1, 5 working days) or investigation (stage 2, 20).
        #[arg(long, value_enum)]
        stage: StageArg,
        /// Stage 1's one extension, to 10 working days.
        #[arg(long)]
        extended: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StageArg {
    Frontline,
    Investigation,
}

fn parse_date(raw: &str) -> Result<Date, String> {
    Date::parse(raw).map_err(|_| format!("{raw:?} is not a date written YYYY-MM-DD"))
}

pub fn run(command: &FeedbackCommand) -> anyhow::Result<()> {
    let FeedbackCommand::DueDate {
        received,
        stage,
        extended,
    } = command;
    let stage = match *stage {
        StageArg::Frontline => Stage::Frontline,
        StageArg::Investigation => Stage::Investigation,
    };
    let Ok(due) = feedback::due_date(&WorkingCalendar::scotland(), *received, stage, *extended)
    else {
        eprintln!(
            "error: --extended applies to the frontline stage only; an investigation is \
             put back to a date the investigator sets"
        );
        std::process::exit(NO_ANSWER);
    };
    crate::standard_output::write(&format!("{due}\n"))
}
