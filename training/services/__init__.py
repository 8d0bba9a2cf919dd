"""Every write of training, one module per area: content (modules, lessons, questions, import and
export), quizzes (attempts, scoring, accommodations), certification (tracks, certificates,
expiry, revocation), assignments."""
