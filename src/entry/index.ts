import { run } from "./action.js";

await run();
// The run is over and its outcome written. A request it gave up on when the time budget
// ran out (a GitHub API or an `az` that never answered) must not hold the job open.
process.exit();
