"""The two national annual reports (issue 17): 政府网站工作年度报表 for every site of the platform and
政府信息公开工作年度报告 for every unit and for the government, from the platform's own data plus what
the platform cannot know (kept in input forms), with a reminder ahead of the deadlines."""
