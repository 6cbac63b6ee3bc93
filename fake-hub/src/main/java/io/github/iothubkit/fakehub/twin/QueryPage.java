package io.github.iothubkit.fakehub.twin;

import java.util.List;

/**
 * One page of a twin query's result.
 *
 * @param continuation the token for the next page, or null on the last page (IoT Hub then sends no
 *                     {@code x-ms-continuation} header at all)
 */
public record QueryPage(List<Twin> items, String continuation) {

    public QueryPage {
        items = List.copyOf(items);
    }
}
