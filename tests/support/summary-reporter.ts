import type { Reporter } from "vitest/reporters";
import type { RunnerTask } from "vitest";

/** Ends the run with one plain line, `Tests: N passed, N failed, N skipped`, that CI reads. */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTask[] = []) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const visit = (task: RunnerTask) => {
      if (task.type === "test") {
        const state = task.result?.state;
        if (state === "pass") counts.passed++;
        else if (state === "fail") counts.failed++;
        else counts.skipped++;
      }
      if ("tasks" in task) for (const child of task.tasks) visit(child);
    };
    files.forEach(visit);
    // A file that failed as a whole (load error, hook timeout) has no failed test of its own but
    // must still count as a failure.
    const hasFailedTest = (task: RunnerTask): boolean =>
      (task.type === "test" && task.result?.state === "fail") ||
      ("tasks" in task && task.tasks.some(hasFailedTest));
    counts.failed += files.filter((file) => file.result?.state === "fail" && !hasFailedTest(file)).length;
    process.stdout.write(
      `\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
