META
key;value
description;Written for coprod's tests: a project funded outside the counting rule (selected 2), as Gdynia and Katowice publish them
country;Scotland
unit;Test
num_projects;4
num_votes;4
budget;100
vote_type;approval
rule;greedy-no-skip
PROJECTS
project_id;cost;votes;name;selected
1;50;4;Benches on the shore path;1
2;60;3;A new play park;0
3;10;2;Bulbs for the square;2
4;30;1;Notice boards;0
VOTES
voter_id;vote
1;1,2,3,4
2;1,2,3
3;1,2
4;1
