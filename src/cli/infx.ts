#!/usr/bin/env node
import { processIo } from "./io.js";
import { runCli } from "./main.js";

/**
 * A reader that goes away early (`infx full-sweep | head -c 300`) closes the
 * pipe: the next write fails with EPIPE. End then, quietly, as Unix tools do
 * (they die of SIGPIPE, which a shell reports as status 128 + 13); Node ignores
 * SIGPIPE, so say the same with the exit code. Any other stream error is
 * still thrown.
 */
export const CLOSED_PIPE_EXIT_CODE = 141;

function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(CLOSED_PIPE_EXIT_CODE);
    throw e;
  });
}

// On each of stdout and stderr before its first write (see processIo).
const code = await runCli(process.argv.slice(2), processIo(endQuietlyOnClosedPipe));
process.exitCode = code;
