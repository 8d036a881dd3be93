//! Building a query whose filters depend on the request, with numbered
//! placeholders that work on both backends and never splice values in.

use sqlx::{Any, any::AnyArguments, query::Query};

/// A value to bind.
#[derive(Debug, Clone)]
pub enum Param {
    Text(String),
    Int(i64),
    Real(f64),
}

/// Collects values and hands out their placeholders in order.
#[derive(Debug, Default)]
pub struct Params {
    values: Vec<Param>,
}

impl Params {
    /// Adds a value and returns its placeholder (`$3`).
    pub fn push(&mut self, value: Param) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.push(Param::Text(value.into()))
    }

    pub fn int(&mut self, value: i64) -> String {
        self.push(Param::Int(value))
    }

    pub fn real(&mut self, value: f64) -> String {
        self.push(Param::Real(value))
    }

    /// Binds every value, in order, to `sql`.
    pub fn bind<'q>(&self, sql: &'q str) -> Query<'q, Any, AnyArguments<'q>> {
        let mut query = sqlx::query(sql);
        for value in &self.values {
            query = match value {
                Param::Text(v) => query.bind(v.clone()),
                Param::Int(v) => query.bind(*v),
                Param::Real(v) => query.bind(*v),
            };
        }
        query
    }
}
