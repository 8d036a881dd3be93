//! Minimum-cost flow by successive shortest paths, the exact method under
//! the batch assignment.
//!
//! Each round finds the cheapest way to push one more unit from the source
//! to the sink through the residual network, using Dijkstra's algorithm on
//! costs made non-negative by node potentials (Edmonds and Karp's
//! refinement). The cost of each successive path never falls, so stopping
//! when the next path would cost too much leaves a flow of least cost for
//! its size. Costs are integers, so results are exact.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An arc and its twin in the residual network: arc `i` and arc `i ^ 1`
/// are the two directions of one edge.
#[derive(Debug, Clone)]
struct Arc {
    to: usize,
    /// Capacity left in this direction.
    room: i64,
    cost: i64,
}

/// Which edge an `add_edge` call made, to read its flow back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EdgeId(usize);

/// When to stop sending flow.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stop {
    /// Send as much as the network carries.
    AtMaximumFlow,
    /// Stop before any unit whose path costs this much or more.
    BeforePathCost(i64),
}

/// A directed network with capacities and costs on its edges.
#[derive(Debug, Clone)]
pub(crate) struct FlowNetwork {
    arcs: Vec<Arc>,
    outgoing: Vec<Vec<usize>>,
}

impl FlowNetwork {
    pub(crate) fn new(nodes: usize) -> Self {
        Self {
            arcs: Vec::new(),
            outgoing: vec![Vec::new(); nodes],
        }
    }

    /// Adds an edge. Costs must not be negative: the first round's Dijkstra
    /// starts from zero potentials.
    pub(crate) fn add_edge(&mut self, from: usize, to: usize, capacity: i64, cost: i64) -> EdgeId {
        debug_assert!(cost >= 0, "edge costs must not be negative");
        let id = self.arcs.len();
        self.arcs.push(Arc {
            to,
            room: capacity,
            cost,
        });
        self.arcs.push(Arc {
            to: from,
            room: 0,
            cost: -cost,
        });
        self.outgoing[from].push(id);
        self.outgoing[to].push(id + 1);
        EdgeId(id)
    }

    /// The flow an edge carries: the room its twin has gained.
    pub(crate) fn flow(&self, edge: EdgeId) -> i64 {
        self.arcs[edge.0 ^ 1].room
    }

    /// Sends flow from `source` to `sink`, cheapest paths first, until
    /// `stop` says so or no path is left. Returns the flow sent and its cost.
    pub(crate) fn send(&mut self, source: usize, sink: usize, stop: Stop) -> (i64, i64) {
        let nodes = self.outgoing.len();
        let mut potential = vec![0_i64; nodes];
        let mut search = Search::new(nodes);
        let (mut sent, mut total_cost) = (0, 0);
        while let Some(to_sink) = self.shortest_path(source, sink, &potential, &mut search) {
            // Nodes the search did not settle are at least as far as the
            // sink; counting them as exactly that far keeps every residual
            // arc's reduced cost non-negative, so the search can stop early.
            for (node, p) in potential.iter_mut().enumerate() {
                *p += search.distance[node].min(to_sink);
            }
            // With the potentials updated, a path's true cost is the
            // potential difference between its ends.
            let path_cost = potential[sink] - potential[source];
            if let Stop::BeforePathCost(limit) = stop
                && path_cost >= limit
            {
                break;
            }
            let mut amount = i64::MAX;
            let mut node = sink;
            while node != source {
                let arc = search.via[node];
                amount = amount.min(self.arcs[arc].room);
                node = self.arcs[arc ^ 1].to;
            }
            let mut node = sink;
            while node != source {
                let arc = search.via[node];
                self.arcs[arc].room -= amount;
                self.arcs[arc ^ 1].room += amount;
                node = self.arcs[arc ^ 1].to;
            }
            sent += amount;
            total_cost += amount * path_cost;
        }
        (sent, total_cost)
    }

    /// Dijkstra on reduced costs, stopping once the sink is settled.
    /// Returns the sink's reduced distance, or `None` if it is out of reach.
    fn shortest_path(
        &self,
        source: usize,
        sink: usize,
        potential: &[i64],
        search: &mut Search,
    ) -> Option<i64> {
        search.distance.fill(i64::MAX);
        search.queue.clear();
        search.distance[source] = 0;
        search.queue.push(Reverse((0_i64, source)));
        while let Some(Reverse((d, node))) = search.queue.pop() {
            if d > search.distance[node] {
                continue;
            }
            if node == sink {
                return Some(d);
            }
            for &arc in &self.outgoing[node] {
                let Arc { to, room, cost } = self.arcs[arc];
                if room <= 0 {
                    continue;
                }
                let next = d + cost + potential[node] - potential[to];
                if next < search.distance[to] {
                    search.distance[to] = next;
                    search.via[to] = arc;
                    search.queue.push(Reverse((next, to)));
                }
            }
        }
        None
    }
}

/// The working space of one shortest-path search, kept between searches so
/// each round does not allocate afresh.
struct Search {
    distance: Vec<i64>,
    /// The arc each node was reached by.
    via: Vec<usize>,
    queue: BinaryHeap<Reverse<(i64, usize)>>,
}

impl Search {
    fn new(nodes: usize) -> Self {
        Self {
            distance: vec![i64::MAX; nodes],
            via: vec![usize::MAX; nodes],
            queue: BinaryHeap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two workers, two jobs: the cheapest pairing is the cross one.
    #[test]
    fn finds_the_cheapest_perfect_pairing() {
        // 0 source, 1-2 workers, 3-4 jobs, 5 sink.
        let mut network = FlowNetwork::new(6);
        network.add_edge(0, 1, 1, 0);
        network.add_edge(0, 2, 1, 0);
        let a = network.add_edge(1, 3, 1, 1);
        let b = network.add_edge(1, 4, 1, 4);
        let c = network.add_edge(2, 3, 1, 2);
        let d = network.add_edge(2, 4, 1, 9);
        network.add_edge(3, 5, 1, 0);
        network.add_edge(4, 5, 1, 0);
        let (sent, cost) = network.send(0, 5, Stop::AtMaximumFlow);
        assert_eq!((sent, cost), (2, 6));
        assert_eq!([a, b, c, d].map(|edge| network.flow(edge)), [0, 1, 1, 0]);
    }

    /// The second unit can only get through by moving the first off the
    /// cheap arc, along its reverse.
    #[test]
    fn reroutes_earlier_flow_when_that_is_cheaper() {
        // 0 source, 1-2 people, 3-4 slots, 5 sink; only person 1 can use slot 4.
        let mut network = FlowNetwork::new(6);
        network.add_edge(0, 1, 1, 0);
        network.add_edge(0, 2, 1, 0);
        let cheap = network.add_edge(1, 3, 1, 1);
        let dear = network.add_edge(1, 4, 1, 5);
        let only = network.add_edge(2, 3, 1, 2);
        network.add_edge(3, 5, 1, 0);
        network.add_edge(4, 5, 1, 0);
        assert_eq!(network.clone().send(0, 5, Stop::BeforePathCost(2)), (1, 1));
        let (sent, cost) = network.send(0, 5, Stop::AtMaximumFlow);
        assert_eq!((sent, cost), (2, 7));
        assert_eq!(
            [cheap, dear, only].map(|edge| network.flow(edge)),
            [0, 1, 1]
        );
    }

    #[test]
    fn stops_before_a_path_that_costs_too_much() {
        let mut network = FlowNetwork::new(3);
        network.add_edge(0, 1, 5, 0);
        network.add_edge(1, 2, 2, 3);
        network.add_edge(1, 2, 2, 7);
        assert_eq!(network.clone().send(0, 2, Stop::BeforePathCost(7)), (2, 6));
        assert_eq!(network.clone().send(0, 2, Stop::BeforePathCost(8)), (4, 20));
        assert_eq!(network.send(0, 2, Stop::AtMaximumFlow), (4, 20));
    }

    #[test]
    fn nothing_flows_without_a_path() {
        let mut network = FlowNetwork::new(3);
        network.add_edge(0, 1, 1, 0);
        assert_eq!(network.send(0, 2, Stop::AtMaximumFlow), (0, 0));
    }
}
