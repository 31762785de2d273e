/** Bad command line: exit code 2, the message says what is allowed. */
export class UsageError extends Error {
    name = "UsageError";
}
/**
 * A problem with the user's input (files, config, environment): exit code 1,
 * the message is shown as is, never a stack trace.
 */
export class UserError extends Error {
    details;
    exitCode;
    name = "UserError";
    constructor(message, 
    /** Extra lines (e.g. every validation error) printed after the message. */
    details = [], exitCode = 1) {
        super(message);
        this.details = details;
        this.exitCode = exitCode;
    }
}
export function processIo() {
    return {
        out: (t) => void process.stdout.write(t),
        err: (t) => void process.stderr.write(t),
        cwd: process.cwd(),
        env: process.env,
        isTTY: Boolean(process.stderr.isTTY) && !process.env.CI,
    };
}
/** An Io that records everything, for tests and for programmatic callers. */
export function bufferIo(opts = {}) {
    const out = [];
    const err = [];
    return {
        out: (t) => void out.push(t),
        err: (t) => void err.push(t),
        cwd: opts.cwd ?? process.cwd(),
        env: opts.env ?? {},
        isTTY: opts.isTTY ?? false,
        stdout: () => out.join(""),
        stderr: () => err.join(""),
    };
}
