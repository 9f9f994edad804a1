-- Every taxi type's trips in one relation: one ref per analytics staging model.

{{ analytics_union_trips([
    ref('stg_trips__green'),
    ref('stg_trips__yellow'),
    ref('stg_trips__fhv'),
    ref('stg_trips__fhvhv'),
]) }}
