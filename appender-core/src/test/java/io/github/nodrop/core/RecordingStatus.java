package io.github.nodrop.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A {@link StatusListener} that keeps every message, for assertions. */
public final class RecordingStatus implements StatusListener {

    public final List<String> infos = new CopyOnWriteArrayList<>();
    public final List<String> warnings = new CopyOnWriteArrayList<>();
    public final List<String> errors = new CopyOnWriteArrayList<>();

    @Override
    public void info(String message) {
        infos.add(message);
    }

    @Override
    public void warn(String message, Throwable cause) {
        warnings.add(message);
    }

    @Override
    public void error(String message, Throwable cause) {
        errors.add(message);
    }

    public String all() {
        return java.util.stream.Stream.of(infos, warnings, errors)
                .flatMap(List::stream)
                .collect(Collectors.joining("\n"));
    }
}
