META
key;value
description;Written for coprod's tests: two projects tie on votes and the published outcome follows the PROJECTS order, not the ids
country;Scotland
unit;Test
num_projects;3
num_votes;2
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;votes;name;selected
9;60;2;Lighting on the harbour steps;1
10;60;2;Repairs to the pier;0
11;40;1;Planters;1
VOTES
voter_id;vote
1;9,10,11
2;9,10
