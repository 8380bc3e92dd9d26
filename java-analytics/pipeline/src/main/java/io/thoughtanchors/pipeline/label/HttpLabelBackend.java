package io.thoughtanchors.pipeline.label;

import java.net.URI;

/** What the HTTP backends share: their settings, one client with their retries and key, their endpoint. */
abstract class HttpLabelBackend implements LabelBackend {

    final ApiSettings settings;
    final HttpJsonClient client;
    final URI endpoint;

    /** @param path the endpoint below the base URL */
    HttpLabelBackend(ApiSettings settings, String path) {
        this.settings = settings;
        this.client = new HttpJsonClient(settings.retry(), settings.requestTimeout(), settings.key());
        this.endpoint = settings.endpoint(path);
    }

    @Override
    public String model() {
        return settings.model();
    }
}
