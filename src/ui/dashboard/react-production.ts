// React picks its build from NODE_ENV when it is first loaded, and every React module must pick
// the same one (a development `react` with a production reconciler renders nothing). The
// development build re-checks every render: about 30% slower frames. The dashboard's worker, the
// only thread that loads React, imports this file first of all, so whatever loads React later
// agrees. NODE_ENV=development still wins.
process.env.NODE_ENV ??= 'production';
