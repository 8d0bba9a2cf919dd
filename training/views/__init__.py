"""Training's pages, one module per area: learning (My learning, modules, lessons), quizzes,
certification (tracks, certificates, public verification), authoring, assignments and the report."""
