//! Where the circle of support's picture puts things: the person at the
//! centre, one ring per layer outwards (household and family, informal
//! network, volunteers, the team, formal services), and each tie as a
//! numbered dot in its ring, the numbers matching the table beside it. The
//! template draws what this works out as SVG; the picture carries no fact
//! the table does not.

use super::model::Layer;

/// The picture's width and height, in SVG units.
pub const SIZE: f64 = 600.0;
const CENTRE: f64 = SIZE / 2.0;
/// The person's circle at the centre.
pub const CENTRE_RADIUS: f64 = 62.0;
/// Each ring's width.
const RING_WIDTH: f64 = 46.0;
/// Dots keep clear of the ring's label at the top: they go round the
/// ring from this many degrees clockwise of the top to as many before it.
const CLEAR_OF_LABEL_DEGREES: f64 = 28.0;
/// Fills from the inside out, light enough for dark text on each.
const FILLS: [&str; 5] = ["#e8f1f8", "#d9e8f3", "#eef4e6", "#f6efe2", "#f1e6ef"];

/// One ring, as the template draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    pub label: String,
    pub radius: String,
    pub label_y: String,
    pub fill: &'static str,
}

/// One tie, as a numbered dot.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub number: usize,
    pub x: String,
    pub y: String,
    pub name: String,
    pub ring: String,
    pub in_plan: bool,
}

/// The whole picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// Outermost first, so each inner ring is drawn over the one outside it.
    pub rings: Vec<Ring>,
    pub dots: Vec<Dot>,
}

fn at(value: f64) -> String {
    format!("{value:.1}")
}

/// The ring of `layer`: (inner radius, outer radius).
pub fn bounds(layer: Layer) -> (f64, f64) {
    let index = Layer::ALL.iter().position(|l| *l == layer).unwrap_or(0);
    #[expect(clippy::cast_precision_loss, reason = "five rings")]
    let inner = CENTRE_RADIUS + RING_WIDTH * index as f64;
    (inner, inner + RING_WIDTH)
}

/// Lays out the rings (`label` gives each layer's words) and the ties, in
/// the order given, numbered from 1: (layer, name, in the plan).
pub fn layout(label: impl Fn(Layer) -> String, ties: &[(Layer, String, bool)]) -> Picture {
    let rings = Layer::ALL
        .iter()
        .rev()
        .zip(FILLS.iter().rev())
        .map(|(layer, fill)| {
            let (inner, outer) = bounds(*layer);
            Ring {
                label: label(*layer),
                radius: at(outer),
                // The label sits in the ring's band, at its top.
                label_y: at(CENTRE - f64::midpoint(inner, outer) + 5.0),
                fill,
            }
        })
        .collect();
    let mut dots = Vec::new();
    for layer in Layer::ALL {
        let here: Vec<(usize, &(Layer, String, bool))> = ties
            .iter()
            .enumerate()
            .filter(|(_, t)| t.0 == *layer)
            .collect();
        #[expect(clippy::cast_precision_loss, reason = "a circle's ties are few")]
        let count = here.len() as f64;
        let (inner, outer) = bounds(*layer);
        let radius = f64::midpoint(inner, outer);
        let sweep = 360.0 - 2.0 * CLEAR_OF_LABEL_DEGREES;
        for (k, (index, (_, name, in_plan))) in here.into_iter().enumerate() {
            #[expect(clippy::cast_precision_loss, reason = "a circle's ties are few")]
            let step = k as f64 + 0.5;
            // Degrees clockwise from the top.
            let degrees = CLEAR_OF_LABEL_DEGREES + sweep * step / count;
            let radians = degrees.to_radians();
            dots.push(Dot {
                number: index + 1,
                x: at(CENTRE + radius * radians.sin()),
                y: at(CENTRE - radius * radians.cos()),
                name: name.clone(),
                ring: label(*layer),
                in_plan: *in_plan,
            });
        }
    }
    dots.sort_by_key(|d| d.number);
    Picture { rings, dots }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(dot: &Dot) -> f64 {
        let x: f64 = dot.x.parse().unwrap_or(f64::NAN);
        let y: f64 = dot.y.parse().unwrap_or(f64::NAN);
        ((x - CENTRE).powi(2) + (y - CENTRE).powi(2)).sqrt()
    }

    #[test]
    fn every_tie_sits_in_its_own_ring_and_inside_the_picture() {
        let mut ties = Vec::new();
        for (i, layer) in Layer::ALL.iter().enumerate() {
            for n in 0..=i * 3 {
                ties.push((*layer, format!("{layer:?} {n}"), n % 2 == 0));
            }
        }
        let picture = layout(|l| l.key().to_owned(), &ties);
        assert_eq!(picture.dots.len(), ties.len());
        assert_eq!(picture.rings.len(), 5);
        for (dot, (layer, name, in_plan)) in picture.dots.iter().zip(&ties) {
            let (inner, outer) = bounds(*layer);
            let r = distance(dot);
            assert!(r > inner && r < outer, "{name} at {r}");
            assert!(r < SIZE / 2.0);
            assert_eq!(&dot.name, name);
            assert_eq!(dot.in_plan, *in_plan);
        }
        let numbers: Vec<usize> = picture.dots.iter().map(|d| d.number).collect();
        assert_eq!(numbers, (1..=ties.len()).collect::<Vec<_>>());
    }

    #[test]
    fn dots_keep_clear_of_the_label_at_the_top() {
        let ties = vec![(Layer::Household, "Only one".to_owned(), true)];
        let picture = layout(|l| l.key().to_owned(), &ties);
        let y: f64 = picture.dots[0].y.parse().unwrap_or(0.0);
        // A single tie goes opposite the label, at the bottom.
        assert!(y > CENTRE);
    }
}
