"""The risk register's reading pages (issue 26): the register, a risk's page and the heat map. A
package beside reporting/risks/ (the models' rules, the reviews' workflow), because these pages build
on the dashboard's tables and KPI lines, which the review pages' template tags lead back to."""
