"""The history of each quota's, interlock cell's and target group's achieved counts, and the pace told from it.

* `models`: one point per owner and interval where its count changed (`QuotaPoint`, `CellPoint`,
  `TargetGroupPoint`);
* `recording`: the snapshot a beat task takes every interval, in a few set-based statements, from
  whatever moved the mirror (webhook fills, list rows, full reads);
* `series`: the supplier's own completes over time (Cint), imported so history starts before the
  cockpit first saw the target group;
* `pruning`: points of target groups whose fieldwork ended long ago go;
* `pace`: pace, projected finish and a verdict against the end date, pure functions over points;
* `reading`: the points and paces of one target group and its quotas, in a constant number of queries;
* `sparklines`: each quota's and cell's last day of completes as a tiny line for the quota grid.

The completes chart and CSV drawn from the history live with the chart, in `fielding.runs.recorded`.
"""
