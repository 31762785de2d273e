export async function withInterrupt(io, fn, signals = ["SIGINT", "SIGTERM"]) {
    const ac = new AbortController();
    const onSig = () => {
        if (ac.signal.aborted)
            process.exit(130);
        io.err("\ninterrupted: finishing up (Ctrl-C again to exit now)\n");
        ac.abort();
    };
    for (const s of signals)
        process.on(s, onSig);
    try {
        return await fn(ac.signal);
    }
    finally {
        for (const s of signals)
            process.off(s, onSig);
    }
}
