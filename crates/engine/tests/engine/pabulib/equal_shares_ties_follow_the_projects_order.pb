META
key;value
description;Written for coprod's tests: under equal shares two projects have the same price and the published outcome follows the PROJECTS order
country;Scotland
unit;Test
num_projects;2
num_votes;2
budget;100
vote_type;approval
rule;equalshares
PROJECTS
project_id;cost;votes;name;selected
b;100;2;Community garden;1
a;100;2;Youth shelter;0
VOTES
voter_id;vote
1;a,b
2;a,b
